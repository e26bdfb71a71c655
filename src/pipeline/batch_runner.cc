#include "pipeline/batch_runner.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace logsieve {

namespace {

struct Slot {
  uint64_t seq = 0;
  io::RecordBatch records;
};

}  // namespace

RunOptions RunOptions::FromConfig(const Config& config) {
  RunOptions o;
  o.batch_size = config.GetSize("pipeline.batch_size");
  o.threads = config.GetSize("pipeline.threads");
  return o;
}

Status RunStream(const Classifier& classifier, io::RecordReader& reader, io::RecordWriter& writer,
                 const RunOptions& options, RunSummary* summary) {
  const auto start = std::chrono::steady_clock::now();
  size_t threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const size_t batch_size = std::max<size_t>(1, options.batch_size);
  const size_t max_inflight = 2 * threads + 2;

  std::mutex mu;
  std::condition_variable work_cv, done_cv, room_cv;
  std::deque<std::unique_ptr<Slot>> work;
  std::map<uint64_t, std::unique_ptr<Slot>> done;
  size_t inflight = 0;
  uint64_t total = 0;
  bool reading_done = false;
  bool stop = false;  // writer failed
  Status write_error;

  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (;;) {
        std::unique_ptr<Slot> slot;
        {
          std::unique_lock<std::mutex> lock(mu);
          work_cv.wait(lock, [&] { return !work.empty() || reading_done || stop; });
          if (work.empty()) return;
          slot = std::move(work.front());
          work.pop_front();
        }
        // Classify never drops a line; a stage failure is in each decision's detail.
        classifier.Classify(slot->records.batch);
        {
          std::lock_guard<std::mutex> lock(mu);
          done[slot->seq] = std::move(slot);
        }
        done_cv.notify_all();
      }
    });
  }

  std::thread writer_thread([&] {
    uint64_t next = 0;
    auto last_progress = std::chrono::steady_clock::now();
    for (;;) {
      std::unique_ptr<Slot> slot;
      bool more_ready = false;
      {
        std::unique_lock<std::mutex> lock(mu);
        done_cv.wait(
            lock, [&] { return done.count(next) > 0 || (reading_done && next == total) || stop; });
        if (stop || done.count(next) == 0) return;
        slot = std::move(done[next]);
        done.erase(next);
        more_ready = done.count(next + 1) > 0;
      }
      Status s = writer.Write(slot->records);
      if (s.ok() && !more_ready) s = writer.Flush();
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        write_error = s;
        stop = true;
        work_cv.notify_all();
        room_cv.notify_all();
        return;
      }
      const Batch& b = slot->records.batch;
      for (const Decision& d : b.decisions) {
        ++summary->per_label[d.label];
        ++summary->per_method[static_cast<size_t>(d.method)];
        summary->degraded += d.degraded;
      }
      summary->rows += b.size();
      ++next;
      {
        std::lock_guard<std::mutex> lock(mu);
        --inflight;
      }
      room_cv.notify_all();
      auto now = std::chrono::steady_clock::now();
      if (options.on_progress && now - last_progress > std::chrono::milliseconds(100)) {
        last_progress = now;
        options.on_progress(summary->rows, reader.bytes_consumed(), reader.size());
      }
    }
  });

  Status read_error;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu);
      room_cv.wait(lock, [&] { return inflight < max_inflight || stop; });
      if (stop) break;
    }
    auto slot = std::make_unique<Slot>();
    StatusOr<size_t> n = reader.Read(batch_size, &slot->records);
    if (!n.ok()) read_error = n.status();
    // Records read before an error are still classified and written.
    if (slot->records.size() > 0) {
      std::lock_guard<std::mutex> lock(mu);
      slot->seq = total++;
      ++inflight;
      work.push_back(std::move(slot));
      work_cv.notify_one();
    }
    if (!n.ok() || *n == 0) break;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    reading_done = true;
  }
  work_cv.notify_all();
  done_cv.notify_all();
  for (auto& w : workers) w.join();
  done_cv.notify_all();
  writer_thread.join();

  summary->skipped = reader.skipped();
  summary->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (options.on_progress)
    options.on_progress(summary->rows, reader.bytes_consumed(), reader.size());
  if (!write_error.ok()) return write_error;
  if (!read_error.ok()) return read_error;
  return writer.Commit();
}

}  // namespace logsieve
