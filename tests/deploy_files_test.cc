// The deployment files against what they name (issue 15). compose.yaml and
// deploy/k8s/*.yaml start the image of the Dockerfile (and so do the ingest
// examples of issue 24, compose.ingest.yaml and deploy/k8s-ingest/*.yaml); every subcommand and
// flag they pass must be one `logsieve --help` lists, every variable a config
// key's LOGSIEVE_* name, every port the one the server listens on and the
// image exposes, every probe path an endpoint of the OpenAPI document, every
// volume one the Dockerfile declares (or the mounted config file), the config
// file must load, and the grace periods must cover SIGTERM's drain. The image
// itself is built and run by `make image-test` (scripts/image-test.sh).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/json.h"
#include "server/openapi.h"
#include "testing/subprocess.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using Problems = std::vector<std::string>;

// One problem a line, so that a failing EXPECT_EQ(Lines(p), "") shows them all.
std::string Lines(const Problems& problems) {
  std::string out;
  for (const std::string& p : problems) out += p + "\n";
  return out;
}

// n[a][b]..., or an undefined node (false) when one is missing (yaml-cpp throws when a chain
// of [] passes a missing key). reset, not =: a Node's = writes into the document.
YAML::Node Find(const YAML::Node& root, std::initializer_list<const char*> path) {
  YAML::Node n = root;
  for (const char* key : path) {
    if (!n.IsMap() || !n[key]) return YAML::Node(YAML::NodeType::Undefined);
    n.reset(n[key]);
  }
  return n;
}

// --- the image: the runtime stage of the Dockerfile ---------------------------

struct ImageSpec {
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::map<std::string, std::string> env;
  std::set<int> exposed;
  std::set<std::string> volumes;
  std::string healthcheck;  // the command, its words joined by spaces
};

std::vector<std::string> JsonWords(const std::string& text, const std::string& what) {
  StatusOr<nlohmann::json> j = ParseJson(text, what);
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  std::vector<std::string> out;
  if (j.ok() && j->is_array()) {
    for (const auto& w : *j) out.push_back(w.get<std::string>());
  }
  return out;
}

// Logical lines (continuations joined, comments dropped) of the last stage.
ImageSpec ReadImageSpec(const std::string& dockerfile) {
  std::vector<std::string> lines;
  std::istringstream in(dockerfile);
  std::string line, logical;
  while (std::getline(in, line)) {
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    if (line.back() == '\\') {
      logical += line.substr(0, line.size() - 1);
      continue;
    }
    lines.push_back(logical + line);
    logical.clear();
  }
  ImageSpec image;
  for (const std::string& l : lines) {
    std::string op = l.substr(0, l.find(' '));
    std::string rest = l.substr(std::min(l.size(), op.size() + 1));
    if (op == "FROM") {
      image = ImageSpec();
    } else if (op == "ENV") {
      std::istringstream words(rest);
      std::string kv;
      while (words >> kv) image.env[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    } else if (op == "EXPOSE") {
      std::istringstream words(rest);
      std::string port;
      while (words >> port) image.exposed.insert(std::stoi(port));
    } else if (op == "VOLUME") {
      for (const std::string& v : JsonWords(rest, "Dockerfile VOLUME")) image.volumes.insert(v);
    } else if (op == "ENTRYPOINT") {
      image.entrypoint = JsonWords(rest, "Dockerfile ENTRYPOINT");
    } else if (op == "CMD") {
      image.cmd = JsonWords(rest, "Dockerfile CMD");
    } else if (op == "HEALTHCHECK") {
      for (const std::string& w : JsonWords(rest.substr(rest.find("CMD [") + 4), "HEALTHCHECK"))
        image.healthcheck += w + " ";
    }
  }
  return image;
}

// --- what the binary and the server offer -------------------------------------

// Subcommands and, per subcommand, its flags, from `logsieve [SUB] --help`.
class HelpIndex {
 public:
  bool HasSubcommand(const std::string& sub) {
    if (subcommands_.empty()) {
      std::string help = Help({});
      std::istringstream in(help.substr(help.find("Subcommands:")));
      std::string line;
      while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string first;
        if (line.rfind("  ", 0) == 0 && words >> first) subcommands_.insert(first);
      }
    }
    return subcommands_.count(sub) > 0;
  }
  bool HasFlag(const std::string& sub, const std::string& flag) {
    auto [it, fresh] = flags_.try_emplace(sub);
    if (fresh) {
      std::string help = Help({sub});
      std::regex flag_re("--[a-z][a-z0-9-]*");
      for (auto m = std::sregex_iterator(help.begin(), help.end(), flag_re);
           m != std::sregex_iterator(); ++m)
        it->second.insert(m->str());
    }
    return it->second.count(flag) > 0;
  }

 private:
  static std::string Help(std::vector<std::string> args) {
    args.insert(args.begin(), testing::LogsieveBinary());
    args.emplace_back("--help");
    testing::RunResult r = testing::RunProgram(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  std::set<std::string> subcommands_;
  std::map<std::string, std::set<std::string>> flags_;
};

std::set<std::string> Endpoints() {
  std::set<std::string> out;
  nlohmann::json doc = OpenApiDocument("0", {});
  for (const auto& [path, ops] : doc["paths"].items()) out.insert(path);
  return out;
}

// --- a logsieve container of compose or Kubernetes, in one shape ---------------

struct Probe {
  std::string kind;  // "liveness", "readiness"
  std::string path;
  int port = 0;
};

struct Container {
  std::string where;                       // "compose.yaml: services.server"
  std::vector<std::string> args;           // after the image's entrypoint
  std::map<std::string, std::string> env;  // secrets get a placeholder value
  std::vector<int> ports;
  std::set<std::string> mounts;              // container paths
  std::map<std::string, std::string> files;  // container path -> text we know
  std::vector<Probe> probes;
  int grace_seconds = 0;
  int pre_stop_seconds = 0;
};

std::string Dir(const std::string& path) { return path.substr(0, path.rfind('/')); }

Problems CheckContainer(const Container& c, const ImageSpec& image, HelpIndex& help) {
  Problems problems;
  auto problem = [&](const std::string& what) { problems.push_back(c.where + ": " + what); };

  // The command line.
  std::string config_path;
  if (c.args.empty() || !help.HasSubcommand(c.args[0])) {
    problem("runs no subcommand of `logsieve --help`");
  } else {
    for (size_t i = 1; i < c.args.size(); ++i) {
      std::string flag = c.args[i].substr(0, c.args[i].find('='));
      if (flag.rfind("--", 0) == 0 && !help.HasFlag(c.args[0], flag))
        problem("`logsieve " + c.args[0] + "` has no flag " + flag);
      if (flag == "--config" && i + 1 < c.args.size()) config_path = c.args[i + 1];
    }
  }

  // The environment: only config keys' variables; the effective config loads.
  Environment env;
  for (const auto& [name, value] : image.env) env.Set(name, value);
  for (const auto& [name, value] : c.env) {
    bool known = std::any_of(ConfigSchema().begin(), ConfigSchema().end(), [&](const ConfigKey& k) {
      return ConfigEnvName(k.name) == name || k.env_alias == name;
    });
    if (!known) problem("variable " + name + " is no config key's (`logsieve config`)");
    env.Set(name, value);
  }
  std::string config_file;
  testing::ScratchDir scratch;
  if (!config_path.empty()) {
    auto f = c.files.find(config_path);
    if (f == c.files.end()) {
      problem("--config " + config_path + " is no file mounted into the container");
    } else {
      config_file = scratch.File("logsieve.yaml");
      testing::WriteFile(config_file, f->second);
    }
  }
  StatusOr<Config> config = Config::Load(config_file, env);
  if (!config.ok()) {
    problem("its configuration does not load: " + config.status().ToString());
    return problems;
  }

  // Ports and probes: the port the server listens on, exposed by the image;
  // for a worker, its /metrics listener (published or not).
  const bool worker = c.args.size() > 0 && c.args[0] == "worker";
  const int port = static_cast<int>(worker ? config->GetInt("worker.metrics_port")
                                           : config->GetInt("server.port"));
  if (!worker && image.exposed.count(port) == 0)
    problem("the server listens on " + std::to_string(port) + ", which the image does not EXPOSE");
  // A worker may publish its syslog listeners' ports too.
  std::set<int> listeners = {port};
  if (worker) {
    for (const std::string& a : config->GetStringList("ingest.syslog.listen"))
      listeners.insert(std::stoi(a.substr(a.rfind(':') + 1)));
  }
  if ((!worker || !c.ports.empty()) && std::set<int>(c.ports.begin(), c.ports.end()) != listeners)
    problem("publishes container ports other than its listeners' " + std::to_string(port));
  if (worker && !c.probes.empty() && port == 0)
    problem("probes a worker whose worker.metrics_port is 0 (no listener)");
  if (worker && !c.probes.empty() && config->GetString("worker.metrics_host") == "127.0.0.1")
    problem("worker.metrics_host is 127.0.0.1: no probe from outside the container reaches it");
  const std::set<std::string> endpoints =
      worker ? std::set<std::string>{"/metrics", "/readyz", "/healthz"} : Endpoints();
  for (const Probe& p : c.probes) {
    if (endpoints.count(p.path) == 0) problem(p.kind + " probe asks " + p.path + ", no endpoint");
    if (p.port != port) problem(p.kind + " probe asks port " + std::to_string(p.port));
  }
  // An ingest-only worker (no Redis key set) never dials Redis (doc/ingest.md).
  const bool ingest_only = !config->GetStringList("ingest.syslog.listen").empty() &&
                           config->Origin("worker.redis_url") == "default" &&
                           config->Origin("worker.host") == "default";
  if (worker && !ingest_only) {
    const std::string url = config->GetString("worker.redis_url");
    const std::string host = url.empty() ? config->GetString("worker.host") : url;
    if (host.find("127.0.0.1") != std::string::npos || host.find("localhost") != std::string::npos)
      problem("the worker's Redis is " + host + ": the container itself");
  }

  // Volumes: the image's, all mounted; nothing else but the config file's.
  for (const std::string& v : image.volumes) {
    if (c.mounts.count(v) == 0) problem("does not mount the image's VOLUME " + v);
  }
  for (const std::string& m : c.mounts) {
    if (image.volumes.count(m) == 0 && m != config_path && m != Dir(config_path))
      problem("mounts " + m + ", which is no VOLUME of the image nor the config file");
  }

  // SIGTERM drains requests in flight, each bounded by these two deadlines;
  // a worker, its batch in flight: one read's wait and its classification.
  const std::string role = worker ? "worker" : "server";
  const int64_t classify_ms = config->GetInt(KeyName::Runtime(role + ".classify_timeout_ms"));
  const int64_t wait_ms =
      worker ? config->GetInt("worker.block_ms") : config->GetInt("server.request_timeout_ms");
  // An ingest worker's outputs then go on (a failing one retried, the OTLP queue sent) for up
  // to the drain timeout.
  const int64_t outputs_ms = worker && !config->GetStringList("ingest.syslog.listen").empty()
                                 ? config->GetInt("output.drain_timeout_ms")
                                 : 0;
  const int64_t drain_s = (wait_ms + classify_ms + outputs_ms + 999) / 1000;
  if (classify_ms == 0) problem(role + ".classify_timeout_ms is 0: SIGTERM's drain has no bound");
  if (c.grace_seconds < c.pre_stop_seconds + drain_s)
    problem("grace period " + std::to_string(c.grace_seconds) + " s < preStop " +
            std::to_string(c.pre_stop_seconds) + " s + drain " + std::to_string(drain_s) + " s");
  return problems;
}

// --- compose.yaml ----------------------------------------------------------------

// "${NAME:-default}" -> "default", "${NAME}" -> "", anything else itself.
std::string Interpolate(const std::string& v) {
  if (v.rfind("${", 0) != 0) return v;
  size_t dash = v.find(":-");
  return dash == std::string::npos ? "" : v.substr(dash + 2, v.size() - dash - 3);
}

int Seconds(const std::string& duration) {  // "45s", "1m30s"
  int total = 0, n = 0;
  for (char ch : duration) {
    if (ch >= '0' && ch <= '9') {
      n = n * 10 + (ch - '0');
    } else {
      total += ch == 'm' ? n * 60 : n;
      n = 0;
    }
  }
  return total;
}

std::vector<Container> ComposeContainers(const YAML::Node& compose, const ImageSpec& image) {
  std::vector<Container> out;
  for (const auto& service : compose["services"]) {
    const YAML::Node& s = service.second;
    std::string image_name = s["image"] ? s["image"].as<std::string>() : "";
    if (!s["build"] && image_name.rfind("logsieve", 0) != 0) continue;
    Container c;
    c.where = "compose.yaml: services." + service.first.as<std::string>();
    c.args = s["command"] ? s["command"].as<std::vector<std::string>>() : image.cmd;
    if (const YAML::Node& env = s["environment"]; env.IsMap()) {
      for (const auto& kv : env)
        c.env[kv.first.as<std::string>()] = Interpolate(kv.second.as<std::string>(""));
    } else {
      for (const auto& kv : env) {
        std::string text = kv.as<std::string>();
        c.env[text.substr(0, text.find('='))] = Interpolate(text.substr(text.find('=') + 1));
      }
    }
    for (const auto& p : s["ports"]) {
      std::string text = p.as<std::string>();
      c.ports.push_back(std::stoi(text.substr(text.rfind(':') + 1)));
    }
    for (const auto& v : s["volumes"]) {
      std::string text = v.as<std::string>();
      std::string source = text.substr(0, text.find(':'));
      std::string target = text.substr(source.size() + 1);
      target = target.substr(0, target.find(':'));
      c.mounts.insert(target);
      std::string host = testing::SourceDir() + "/" + source;
      if (source.rfind("./", 0) == 0 && std::filesystem::is_regular_file(host))
        c.files[target] = testing::ReadFile(host);
    }
    c.grace_seconds =
        s["stop_grace_period"] ? Seconds(s["stop_grace_period"].as<std::string>()) : 10;
    out.push_back(std::move(c));
  }
  return out;
}

// --- Kubernetes -------------------------------------------------------------------

struct Cluster {
  std::vector<YAML::Node> documents;
  std::map<std::string, std::map<std::string, std::string>> config_maps;  // name -> data
  std::map<std::string, std::set<std::string>> secrets;                   // name -> keys
};

void AddDocuments(Cluster& cluster, const std::string& text) {
  for (const YAML::Node& doc : YAML::LoadAll(text)) {
    if (!doc.IsMap()) continue;
    std::string kind = doc["kind"].as<std::string>();
    std::string name = doc["metadata"]["name"].as<std::string>();
    if (kind == "ConfigMap") {
      cluster.config_maps[name] = doc["data"].as<std::map<std::string, std::string>>();
    } else if (kind == "Secret") {
      for (const char* field : {"data", "stringData"}) {
        for (const auto& kv : doc[field]) cluster.secrets[name].insert(kv.first.as<std::string>());
      }
    } else {
      cluster.documents.push_back(doc);
    }
  }
}

// The manifests of deploy/`dir`/ (and `more` files of deploy/), and the example Secret they read.
Cluster RepositoryCluster(const std::string& name = "k8s",
                          const std::vector<std::string>& more = {}) {
  Cluster cluster;
  std::string dir = testing::SourceDir() + "/deploy/" + name;
  std::vector<std::string> files;
  for (const std::string& f : more) files.push_back(testing::SourceDir() + "/deploy/" + f);
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".yaml") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  EXPECT_FALSE(files.empty()) << dir;
  for (const std::string& f : files) AddDocuments(cluster, testing::ReadFile(f));
  AddDocuments(cluster,
               testing::ReadFile(testing::SourceDir() + "/deploy/llm-secret.example.yaml"));
  return cluster;
}

bool IsLogsieveImage(const std::string& image) {
  return image == "logsieve" || image.rfind("logsieve:", 0) == 0;
}

std::vector<Container> KubernetesContainers(const Cluster& cluster, const ImageSpec& image,
                                            Problems& problems) {
  std::vector<Container> out;
  for (const YAML::Node& doc : cluster.documents) {
    if (doc["kind"].as<std::string>() != "Deployment") continue;
    const YAML::Node& pod = doc["spec"]["template"]["spec"];
    std::map<std::string, YAML::Node> volumes;
    for (const auto& v : pod["volumes"])
      volumes[v["name"].as<std::string>()] = static_cast<const YAML::Node&>(v);
    for (const auto& k : pod["containers"]) {
      if (!IsLogsieveImage(k["image"].as<std::string>())) continue;
      Container c;
      c.where = "deploy/k8s*: Deployment " + doc["metadata"]["name"].as<std::string>() +
                ", container " + k["name"].as<std::string>();
      auto problem = [&](const std::string& what) { problems.push_back(c.where + ": " + what); };
      if (k["command"] && k["command"].as<std::vector<std::string>>() != image.entrypoint)
        problem("its command replaces the image's ENTRYPOINT");
      c.args = k["args"] ? k["args"].as<std::vector<std::string>>() : image.cmd;
      for (const auto& e : k["env"]) {
        std::string name = e["name"].as<std::string>();
        if (e["value"]) {
          c.env[name] = e["value"].as<std::string>();
        } else if (const YAML::Node ref = Find(e, {"valueFrom", "secretKeyRef"}); ref) {
          auto secret = cluster.secrets.find(ref["name"].as<std::string>());
          if (secret == cluster.secrets.end() ||
              secret->second.count(ref["key"].as<std::string>()) == 0)
            problem(name + " reads a Secret key no Secret of deploy/ has");
          c.env[name] = "placeholder";
        }
      }
      std::map<std::string, int> port_names;
      for (const auto& p : k["ports"]) {
        c.ports.push_back(p["containerPort"].as<int>());
        if (p["name"]) port_names[p["name"].as<std::string>()] = p["containerPort"].as<int>();
      }
      for (const char* kind : {"liveness", "readiness", "startup"}) {
        const YAML::Node probe = Find(k, {(std::string(kind) + "Probe").c_str(), "httpGet"});
        if (!probe) continue;
        std::string port = probe["port"].as<std::string>();
        c.probes.push_back({kind, probe["path"].as<std::string>(),
                            port_names.count(port) ? port_names[port] : std::stoi(port)});
      }
      for (const auto& m : k["volumeMounts"]) {
        std::string path = m["mountPath"].as<std::string>();
        c.mounts.insert(path);
        auto v = volumes.find(m["name"].as<std::string>());
        if (v == volumes.end()) {
          problem("mounts " + path + " from no volume of the pod");
          continue;
        }
        if (const YAML::Node& cm = v->second["configMap"]; cm) {
          auto data = cluster.config_maps.find(cm["name"].as<std::string>());
          if (data == cluster.config_maps.end()) {
            problem("mounts a ConfigMap no file of deploy/k8s defines");
            continue;
          }
          for (const auto& [key, text] : data->second) c.files[path + "/" + key] = text;
        }
      }
      c.grace_seconds = pod["terminationGracePeriodSeconds"].as<int>(30);
      const YAML::Node pre_stop = Find(k, {"lifecycle", "preStop", "exec", "command"});
      if (pre_stop && pre_stop[0].as<std::string>() == "sleep")
        c.pre_stop_seconds = pre_stop[1].as<int>();
      out.push_back(std::move(c));
    }
  }
  return out;
}

// --- the tests ----------------------------------------------------------------------

class DeployFilesTest : public ::testing::Test {
 protected:
  std::string Source(const std::string& rel) {
    return testing::ReadFile(testing::SourceDir() + "/" + rel);
  }
  ImageSpec image_ = ReadImageSpec(Source("Dockerfile"));
  HelpIndex help_;
};

TEST_F(DeployFilesTest, TheImageRunsServeOnTheExposedPortAndItsHealthcheckAsksHealthz) {
  Container c;
  c.where = "Dockerfile";
  c.args = image_.cmd;
  c.ports = {8000};
  c.mounts = image_.volumes;
  c.grace_seconds = 1000;  // docker stop's grace is the user's, not the image's
  EXPECT_EQ(image_.entrypoint, std::vector<std::string>{"logsieve"});
  EXPECT_EQ(image_.cmd, (std::vector<std::string>{"serve", "--host", "0.0.0.0"}));
  EXPECT_EQ(image_.exposed, std::set<int>{8000});
  EXPECT_THAT(image_.healthcheck, ::testing::HasSubstr("GET /healthz HTTP")) << image_.healthcheck;
  EXPECT_THAT(image_.healthcheck, ::testing::HasSubstr("${LOGSIEVE_SERVER_PORT}"));
  // The image's own classify_timeout_ms is the default (0); deployments set it.
  EXPECT_EQ(Lines(CheckContainer(c, image_, help_)),
            "Dockerfile: server.classify_timeout_ms is 0: SIGTERM's drain has no bound\n");
  EXPECT_EQ(Endpoints().count("/healthz"), 1u);
}

TEST_F(DeployFilesTest, ComposeNamesOnlyWhatTheImageAndTheConfigSchemaHave) {
  YAML::Node compose = YAML::Load(Source("compose.yaml"));
  std::vector<Container> containers = ComposeContainers(compose, image_);
  ASSERT_EQ(containers.size(), 2u);  // the server and the worker
  for (const Container& c : containers) EXPECT_EQ(Lines(CheckContainer(c, image_, help_)), "");
}

TEST_F(DeployFilesTest, KubernetesNamesOnlyWhatTheImageAndTheConfigSchemaHave) {
  Problems problems;
  std::vector<Container> containers = KubernetesContainers(RepositoryCluster(), image_, problems);
  ASSERT_EQ(containers.size(), 2u);  // the server and the worker
  for (const Container& c : containers) {
    Problems more = CheckContainer(c, image_, help_);
    problems.insert(problems.end(), more.begin(), more.end());
  }
  EXPECT_EQ(Lines(problems), "");
}

// The ingest examples (doc/ingest.md): a syslog-fed worker forwarding OTLP to a collector.
TEST_F(DeployFilesTest, TheIngestExamplesNameOnlyWhatTheImageAndTheConfigSchemaHave) {
  YAML::Node compose = YAML::Load(Source("compose.ingest.yaml"));
  std::vector<Container> containers = ComposeContainers(compose, image_);
  ASSERT_EQ(containers.size(), 1u);  // the worker; the collector and the shipper are not ours
  EXPECT_EQ(Lines(CheckContainer(containers[0], image_, help_)), "");
  EXPECT_EQ(containers[0].env.at("LOGSIEVE_OUTPUT_OTLP_ENDPOINT"), "http://otel-collector:4318");

  Problems problems;
  containers = KubernetesContainers(RepositoryCluster("k8s-ingest", {"k8s/configmap.yaml"}), image_,
                                    problems);
  ASSERT_EQ(containers.size(), 1u);
  for (const Container& c : containers) {
    Problems more = CheckContainer(c, image_, help_);
    problems.insert(problems.end(), more.begin(), more.end());
  }
  EXPECT_EQ(Lines(problems), "");
}

TEST_F(DeployFilesTest, TheServerAndTheWorkerAreLiveOnHealthzAndReadyOnReadyz) {
  Problems problems;
  std::vector<Container> containers = KubernetesContainers(RepositoryCluster(), image_, problems);
  std::set<std::string> roles;
  for (const Container& c : containers) {
    SCOPED_TRACE(c.where);
    roles.insert(c.args.at(0));
    std::map<std::string, std::string> paths;
    for (const Probe& p : c.probes) paths[p.kind] = p.path;
    EXPECT_EQ(paths, (std::map<std::string, std::string>{{"liveness", "/healthz"},
                                                         {"readiness", "/readyz"}}));
  }
  EXPECT_EQ(roles, (std::set<std::string>{"serve", "worker"}));
}

TEST_F(DeployFilesTest, EveryKubernetesContainerHasRequestsAndLimits) {
  for (const YAML::Node& doc : RepositoryCluster().documents) {
    if (doc["kind"].as<std::string>() != "Deployment") continue;
    for (const auto& k : doc["spec"]["template"]["spec"]["containers"]) {
      SCOPED_TRACE(k["name"].as<std::string>());
      EXPECT_TRUE(Find(k, {"resources", "requests", "cpu"}) &&
                  Find(k, {"resources", "requests", "memory"}));
      EXPECT_TRUE(Find(k, {"resources", "limits", "memory"}));
    }
  }
}

TEST_F(DeployFilesTest, TheServiceSendsItsPortToTheServersNamedPort) {
  Cluster cluster = RepositoryCluster();
  std::set<std::string> server_ports;
  for (const YAML::Node& doc : cluster.documents) {
    if (doc["kind"].as<std::string>() != "Deployment") continue;
    for (const auto& k : doc["spec"]["template"]["spec"]["containers"]) {
      if (!IsLogsieveImage(k["image"].as<std::string>())) continue;
      for (const auto& p : k["ports"]) server_ports.insert(p["name"].as<std::string>());
    }
  }
  int services = 0;
  for (const YAML::Node& doc : cluster.documents) {
    if (doc["kind"].as<std::string>() != "Service" ||
        Find(doc, {"spec", "selector", "app.kubernetes.io/component"}).as<std::string>("") !=
            "server")
      continue;
    ++services;
    for (const auto& p : doc["spec"]["ports"])
      EXPECT_EQ(server_ports.count(p["targetPort"].as<std::string>()), 1u);
  }
  EXPECT_EQ(services, 1);
}

TEST_F(DeployFilesTest, TheConfigMapHoldsTheSameConfigAsCompose) {
  Cluster cluster = RepositoryCluster();
  ASSERT_EQ(cluster.config_maps.count("logsieve-config"), 1u);
  EXPECT_EQ(cluster.config_maps["logsieve-config"]["logsieve.yaml"],
            Source("deploy/logsieve.yaml"));
}

// The checks are not vacuous: each kind of slip is reported, by name.
TEST_F(DeployFilesTest, AMisspelledVariableFlagVolumeOrProbeIsReported) {
  YAML::Node compose = YAML::Load(Source("compose.yaml"));
  YAML::Node server = compose["services"]["server"];
  server["environment"]["LOGSIEVE_SERVER_PROT"] = "9000";
  server["command"].push_back("--confg");
  server["volumes"].push_back("cache:/var/cache/logsieve");
  server["stop_grace_period"] = "10s";
  std::string problems =
      Lines(CheckContainer(ComposeContainers(compose, image_)[0], image_, help_));
  for (const char* slip :
       {"variable LOGSIEVE_SERVER_PROT is no config key's", "`logsieve serve` has no flag --confg",
        "mounts /var/cache/logsieve", "grace period 10 s < preStop 0 s + drain 40 s"})
    EXPECT_THAT(problems, ::testing::HasSubstr(slip)) << slip << " not in:\n" << problems;

  Cluster cluster = RepositoryCluster();
  for (YAML::Node& doc : cluster.documents) {
    if (doc["kind"].as<std::string>() != "Deployment") continue;
    YAML::Node containers = doc["spec"]["template"]["spec"]["containers"];
    for (size_t i = 0; i < containers.size(); ++i) {
      YAML::Node k = containers[i];
      if (IsLogsieveImage(k["image"].as<std::string>()))
        k["livenessProbe"]["httpGet"]["path"] = "/health";
    }
  }
  Problems k8s;
  for (const Container& c : KubernetesContainers(cluster, image_, k8s)) {
    Problems more = CheckContainer(c, image_, help_);
    k8s.insert(k8s.end(), more.begin(), more.end());
  }
  std::sort(k8s.begin(), k8s.end());
  EXPECT_EQ(Lines(k8s),
            "deploy/k8s*: Deployment logsieve-server, container server: liveness probe asks "
            "/health, no endpoint\n"
            "deploy/k8s*: Deployment logsieve-worker, container worker: liveness probe asks "
            "/health, no endpoint\n");

  YAML::Node worker = YAML::Load(Source("compose.yaml"))["services"]["worker"];
  worker["environment"]["LOGSIEVE_WORKER_REDIS_URL"] = "redis://127.0.0.1:6379";
  worker["environment"]["LOGSIEVE_WORKER_CLASSIFY_TIMEOUT_MS"] = "0";
  YAML::Node with_worker = YAML::Load(Source("compose.yaml"));
  with_worker["services"]["worker"] = worker;
  std::vector<Container> all = ComposeContainers(with_worker, image_);
  ASSERT_EQ(all.size(), 2u);
  problems = Lines(CheckContainer(all[1], image_, help_));
  for (const char* slip : {"the worker's Redis is redis://127.0.0.1:6379: the container itself",
                           "worker.classify_timeout_ms is 0: SIGTERM's drain has no bound"})
    EXPECT_THAT(problems, ::testing::HasSubstr(slip)) << slip << " not in:\n" << problems;
}

}  // namespace
}  // namespace logsieve
