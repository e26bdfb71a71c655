#include "llm/testing/fake_llm_server.h"

#include <httplib.h>

namespace logsieve::testing {

using json = nlohmann::json;

namespace {

json Completion(const std::string& content, const json& logprobs) {
  json choice = {{"index", 0},
                 {"message", {{"role", "assistant"}, {"content", content}}},
                 {"finish_reason", "stop"}};
  if (!logprobs.is_null()) choice["logprobs"] = logprobs;
  return {{"id", "chatcmpl-fake"},
          {"object", "chat.completion"},
          {"model", "fake"},
          {"choices", json::array({choice})},
          {"usage", {{"prompt_tokens", 100}, {"completion_tokens", 10}, {"total_tokens", 110}}}};
}

}  // namespace

FakeReply FakeReply::Label(const std::string& label, const std::string& reason) {
  return Content(json{{"label", label}, {"reason", reason}}.dump());
}

FakeReply FakeReply::Content(const std::string& content, const json& logprobs) {
  FakeReply r;
  r.body = Completion(content, logprobs).dump();
  return r;
}

FakeReply FakeReply::Error(int status, const std::string& retry_after) {
  FakeReply r;
  r.status = status;
  r.body = json{{"error", {{"message", "fake error " + std::to_string(status)}, {"type", "fake"}}}}
               .dump();
  if (!retry_after.empty()) r.headers.emplace_back("Retry-After", retry_after);
  return r;
}

FakeReply FakeReply::Malformed() {
  FakeReply r;
  r.body = "{\"choices\": [{\"message\": {\"content\": \"trunc";
  return r;
}

FakeReply FakeReply::Drop() {
  FakeReply r = Label("System Notification");
  r.drop = true;
  return r;
}

FakeReply FakeReply::After(std::chrono::milliseconds ms) && {
  delay = ms;
  return std::move(*this);
}

std::vector<std::string> FakeRequest::Logs() const {
  std::vector<std::string> out;
  if (!json.is_object() || !json.contains("messages") || !json["messages"].is_array()) return out;
  std::string user;
  for (const auto& m : json["messages"]) {
    if (m.value("role", "") == "user" && m.contains("content") && m["content"].is_string()) {
      user = m["content"].get<std::string>();
    }
  }
  size_t nl = user.find('\n');
  if (nl == std::string::npos) return out;
  nlohmann::json data = nlohmann::json::parse(user.substr(nl + 1), nullptr, false);
  if (data.is_object()) data = nlohmann::json::array({data});
  if (!data.is_array()) return out;
  for (const auto& d : data) {
    if (d.is_object() && d.contains("log") && d["log"].is_string())
      out.push_back(d["log"].get<std::string>());
  }
  return out;
}

std::string FakeRequest::AllText() const {
  std::string out;
  if (!json.is_object() || !json.contains("messages") || !json["messages"].is_array()) return out;
  for (const auto& m : json["messages"]) {
    if (m.contains("content") && m["content"].is_string())
      out += m["content"].get<std::string>() + "\n";
  }
  return out;
}

FakeLlmServer::Handler FakeLlmServer::LabelByKeyword(
    std::map<std::string, std::string> keyword_to_label, std::string fallback) {
  return [keyword_to_label = std::move(keyword_to_label),
          fallback = std::move(fallback)](const FakeRequest& req) {
    std::vector<std::string> logs = req.Logs();
    auto label_of = [&](const std::string& log) {
      for (const auto& [k, l] : keyword_to_label) {
        if (log.find(k) != std::string::npos) return l;
      }
      return fallback;
    };
    if (logs.size() == 1) return FakeReply::Label(label_of(logs[0]));
    json answers = json::array();
    for (size_t i = 0; i < logs.size(); ++i) {
      answers.push_back({{"line", i + 1}, {"label", label_of(logs[i])}, {"reason", "fake reason"}});
    }
    return FakeReply::Content(json{{"answers", answers}}.dump());
  };
}

FakeLlmServer::FakeLlmServer() : server_(std::make_unique<httplib::Server>()) {
  handler_ = LabelByKeyword({}, "System Notification");
}

StatusOr<std::unique_ptr<FakeLlmServer>> FakeLlmServer::Start() {
  std::unique_ptr<FakeLlmServer> s(new FakeLlmServer());
  FakeLlmServer* self = s.get();
  s->server_->new_task_queue = [] { return new httplib::ThreadPool(32); };
  s->server_->set_tcp_nodelay(true);  // else Nagle + delayed ACK add ~40 ms per reply
  s->server_->Post(
      R"(.*/chat/completions)", [self](const httplib::Request& req, httplib::Response& res) {
        FakeRequest fr{req.path, req.body, req.get_header_value("Authorization"),
                       json::parse(req.body, nullptr, /*allow_exceptions=*/false),
                       std::chrono::steady_clock::now()};
        if (fr.json.is_discarded()) fr.json = nullptr;
        FakeReply reply = self->Next(fr);
        if (reply.delay.count() > 0 && !self->Wait(reply.delay)) {
          reply = FakeReply::Error(503);
        }
        res.status = reply.status;
        for (const auto& [k, v] : reply.headers) res.set_header(k, v);
        if (reply.drop) {
          auto body = std::make_shared<std::string>(reply.body);
          res.set_content_provider(body->size(), "application/json",
                                   [body](size_t offset, size_t, httplib::DataSink& sink) {
                                     if (offset == 0) sink.write(body->data(), body->size() / 2);
                                     return false;  // abort: the connection closes mid-body
                                   });
          return;
        }
        res.set_content(reply.body, "application/json");
      });
  s->port_ = s->server_->bind_to_any_port("127.0.0.1");
  if (s->port_ <= 0) return UnavailableError("fake llm server: cannot bind 127.0.0.1");
  s->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  for (int i = 0; i < 500 && !s->server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return s;
}

FakeLlmServer::~FakeLlmServer() { Stop(); }

void FakeLlmServer::Stop() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  stop_cv_.SignalAll();
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

std::string FakeLlmServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

void FakeLlmServer::Enqueue(FakeReply reply) {
  MutexLock lock(&mu_);
  queue_.push_back(std::move(reply));
}

void FakeLlmServer::SetHandler(Handler handler) {
  MutexLock lock(&mu_);
  handler_ = std::move(handler);
}

size_t FakeLlmServer::request_count() const {
  MutexLock lock(&mu_);
  return received_.size();
}

size_t FakeLlmServer::line_count() const {
  size_t n = 0;
  for (const FakeRequest& r : requests()) n += r.Logs().size();
  return n;
}

std::vector<FakeRequest> FakeLlmServer::requests() const {
  MutexLock lock(&mu_);
  return received_;
}

FakeReply FakeLlmServer::Next(const FakeRequest& request) {
  Handler handler;
  {
    MutexLock lock(&mu_);
    received_.push_back(request);
    if (!queue_.empty()) {
      FakeReply r = std::move(queue_.front());
      queue_.pop_front();
      return r;
    }
    handler = handler_;
  }
  return handler(request);
}

bool FakeLlmServer::Wait(std::chrono::milliseconds d) {
  const auto deadline = std::chrono::steady_clock::now() + d;
  MutexLock lock(&mu_);
  while (!stopping_) {
    if (!stop_cv_.WaitUntil(&mu_, deadline)) break;  // timed out
  }
  return !stopping_;
}

}  // namespace logsieve::testing
