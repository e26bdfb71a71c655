#include "ingest/testing/otlp_receiver.h"

#include <httplib.h>

#include <cctype>

namespace logsieve {

std::unique_ptr<OtlpReceiver> OtlpReceiver::Start(int port) {
  std::unique_ptr<OtlpReceiver> r(new OtlpReceiver());
  if (!r->Listen(port)) return nullptr;
  return r;
}

OtlpReceiver::~OtlpReceiver() { Down(); }

bool OtlpReceiver::Listen(int port) {
  server_ = std::make_unique<httplib::Server>();
  server_->Post("/v1/logs", [this](const httplib::Request& req, httplib::Response& res) {
    OtlpRequest r{req.body, {}, std::chrono::steady_clock::now(), 0};
    for (const auto& [name, value] : req.headers) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[lower] = value;
    }
    std::lock_guard<std::mutex> lock(mu_);
    OtlpAnswer a = answer_ ? answer_(static_cast<int>(requests_.size())) : OtlpAnswer{};
    r.answered = a.status;
    requests_.push_back(std::move(r));
    res.status = a.status;
    if (!a.retry_after.empty()) res.set_header("Retry-After", a.retry_after);
    res.set_content(a.body, "application/json");
  });
  if (port == 0) {
    port_ = server_->bind_to_any_port("127.0.0.1");
  } else {
    port_ = server_->bind_to_port("127.0.0.1", port) ? port : -1;
  }
  if (port_ <= 0) return false;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return true;
}

void OtlpReceiver::AnswerWith(std::function<OtlpAnswer(int)> answer) {
  std::lock_guard<std::mutex> lock(mu_);
  answer_ = std::move(answer);
}

void OtlpReceiver::Down() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

bool OtlpReceiver::Up() { return !thread_.joinable() && Listen(port_); }

std::vector<OtlpRequest> OtlpReceiver::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<OtlpReceivedRecord> OtlpReceiver::Records() const {
  std::vector<OtlpReceivedRecord> out;
  for (const OtlpRequest& r : Requests()) {
    if (r.answered < 200 || r.answered >= 300) continue;
    nlohmann::json j = nlohmann::json::parse(r.body);
    for (const auto& rl : j["resourceLogs"]) {
      std::string service;
      for (const auto& a : rl["resource"]["attributes"]) {
        if (a["key"] == "service.name") service = a["value"]["stringValue"];
      }
      for (const auto& sl : rl["scopeLogs"]) {
        for (const auto& lr : sl["logRecords"]) {
          OtlpReceivedRecord rec;
          rec.service_name = service;
          rec.body = lr["body"]["stringValue"];
          rec.severity_number = lr.value("severityNumber", 0);
          rec.severity_text = lr.value("severityText", "");
          for (const auto& a : lr["attributes"]) rec.attributes[a["key"]] = a["value"];
          out.push_back(std::move(rec));
        }
      }
    }
  }
  return out;
}

}  // namespace logsieve
