#include "pipeline/batch_runner.h"

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "common/thread_annotations.h"

namespace logsieve {

namespace {

// How often on_batch_written runs while batches queue up behind each other.
constexpr auto kCheckpointEvery = std::chrono::seconds(1);

struct Slot {
  uint64_t seq = 0;
  RecordBatch records;
};

// What the reading thread, the workers and the writer share.
struct Shared {
  Mutex mu;
  CondVar work_cv, done_cv, room_cv;
  std::deque<std::unique_ptr<Slot>> work GUARDED_BY(mu);
  std::map<uint64_t, std::unique_ptr<Slot>> done GUARDED_BY(mu);
  size_t inflight GUARDED_BY(mu) = 0;
  uint64_t total GUARDED_BY(mu) = 0;
  bool reading_done GUARDED_BY(mu) = false;
  bool stop GUARDED_BY(mu) = false;  // writer failed
  Status write_error GUARDED_BY(mu);
};

}  // namespace

RunOptions RunOptions::FromConfig(const Config& config) {
  RunOptions o;
  o.batch_size = config.GetSize("pipeline.batch_size");
  o.threads = config.GetSize("pipeline.threads");
  return o;
}

Status RunStream(const Classifier& classifier, RecordReader& reader, RecordWriter& writer,
                 const RunOptions& options, RunSummary* summary) {
  const auto start = std::chrono::steady_clock::now();
  size_t threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const size_t batch_size = std::max<size_t>(1, options.batch_size);
  const size_t max_inflight = 2 * threads + 2;
  const bool want_detail = writer.shows_detail();
  Shared shared;

  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (;;) {
        std::unique_ptr<Slot> slot;
        {
          MutexLock lock(&shared.mu);
          while (shared.work.empty() && !shared.reading_done && !shared.stop) {
            shared.work_cv.Wait(&shared.mu);
          }
          if (shared.work.empty()) return;
          slot = std::move(shared.work.front());
          shared.work.pop_front();
        }
        // Classify never drops a line; a stage failure is in each decision's
        // detail. Details the output does not carry are not computed.
        slot->records.batch.want_detail = want_detail;
        classifier.Classify(slot->records.batch);
        {
          MutexLock lock(&shared.mu);
          const uint64_t seq = slot->seq;
          shared.done[seq] = std::move(slot);
        }
        shared.done_cv.SignalAll();
      }
    });
  }

  std::thread writer_thread([&] {
    uint64_t next = 0;
    auto last_progress = std::chrono::steady_clock::now();
    auto last_checkpoint = last_progress;
    for (;;) {
      std::unique_ptr<Slot> slot;
      bool more_ready = false;
      {
        MutexLock lock(&shared.mu);
        while (shared.done.count(next) == 0 && !(shared.reading_done && next == shared.total) &&
               !shared.stop) {
          shared.done_cv.Wait(&shared.mu);
        }
        if (shared.stop || shared.done.count(next) == 0) return;
        slot = std::move(shared.done[next]);
        shared.done.erase(next);
        more_ready = shared.done.count(next + 1) > 0;
      }
      Status s = writer.Write(slot->records);
      const auto now = std::chrono::steady_clock::now();
      const bool checkpoint =
          options.on_batch_written && (!more_ready || now - last_checkpoint >= kCheckpointEvery);
      if (s.ok() && (!more_ready || checkpoint)) s = writer.Flush();
      if (s.ok() && checkpoint) {
        s = options.on_batch_written(slot->records);
        last_checkpoint = now;
      }
      if (!s.ok()) {
        MutexLock lock(&shared.mu);
        shared.write_error = s;
        shared.stop = true;
        shared.work_cv.SignalAll();
        shared.room_cv.SignalAll();
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
        MutexLock lock(&shared.mu);
        --shared.inflight;
      }
      shared.room_cv.SignalAll();
      if (options.on_progress && now - last_progress > std::chrono::milliseconds(100)) {
        last_progress = now;
        options.on_progress(summary->rows, reader.bytes_consumed(), reader.size());
      }
    }
  });

  Status read_error;
  for (;;) {
    {
      MutexLock lock(&shared.mu);
      while (shared.inflight >= max_inflight && !shared.stop) shared.room_cv.Wait(&shared.mu);
      if (shared.stop) break;
    }
    auto slot = std::make_unique<Slot>();
    StatusOr<size_t> n = reader.Read(batch_size, &slot->records);
    if (!n.ok()) read_error = n.status();
    // Records read before an error are still classified and written.
    if (slot->records.size() > 0) {
      MutexLock lock(&shared.mu);
      slot->seq = shared.total++;
      ++shared.inflight;
      shared.work.push_back(std::move(slot));
      shared.work_cv.Signal();
    }
    if (!n.ok() || *n == 0) break;
  }
  {
    MutexLock lock(&shared.mu);
    shared.reading_done = true;
  }
  shared.work_cv.SignalAll();
  shared.done_cv.SignalAll();
  for (auto& w : workers) w.join();
  shared.done_cv.SignalAll();
  writer_thread.join();

  summary->skipped = reader.skipped();
  summary->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (options.on_progress)
    options.on_progress(summary->rows, reader.bytes_consumed(), reader.size());
  Status write_error;
  {
    MutexLock lock(&shared.mu);  // every thread has ended; the analysis wants it all the same
    write_error = shared.write_error;
  }
  if (!write_error.ok()) return write_error;
  if (!read_error.ok()) return read_error;
  return writer.Commit();
}

}  // namespace logsieve
