#include "train/synthetic_logs.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <vector>

namespace logsieve::train {
namespace {

// SplitMix64: tiny, fast, and the same numbers everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n). REQUIRES: n > 0.
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  int Range(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<size_t>(hi - lo + 1)));
  }
  bool Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& a) {
    return a[Below(N)];
  }

 private:
  uint64_t s_;
};

enum Label {
  kHttp,
  kSecurity,
  kSysNote,
  kUserAction,
  kResource,
  kError,
  kCritical,
  kWorkflow,
  kDeprecation
};
constexpr std::array<std::string_view, 9> kLabelNames = {
    "HTTP Status", "Security Alert", "System Notification", "User Action",        "Resource Usage",
    "Error",       "Critical Error", "Workflow Error",      "Deprecation Warning"};

// Kinds of systems: each has its source names.
enum System { kWeb, kAuth, kCloud, kDb, kSys, kApp, kSched, kStorage };
constexpr std::array<std::array<std::string_view, 6>, 8> kSources = {{
    {"nginx", "apache", "haproxy", "envoy", "api-gateway", "traefik"},
    {"sshd", "sudo", "keycloak", "auth-service", "ModernCRM", "vpn-gateway"},
    {"nova-compute", "nova-api", "neutron-server", "cinder-volume", "kubelet", "glance-api"},
    {"postgres", "mysql", "mongod", "redis", "elasticsearch", "cassandra"},
    {"systemd", "kernel", "backup-agent", "System", "patch-manager", "cron"},
    {"ModernCRM", "BillingSystem", "ModernHR", "AnalyticsEngine", "ThirdPartyAPI", "LegacyCRM"},
    {"airflow", "jenkins", "celery", "quartz", "argo-workflows", "cron"},
    {"ceph-osd", "minio", "nfs-server", "s3-sync", "zfs", "smartd"},
}};

struct Family {
  Label label;
  System system;
  std::string_view text;  // "(a|b|)" alternatives, "{slot}" values
};

// Every fifth family of a label is held out; keep families of one label
// varied in wording so the held-out ones test generalisation, not recall.
constexpr Family kFamilies[] = {
    // ---- HTTP Status ---------------------------------------------------------
    {kHttp, kWeb,
     R"t({ip} - - [{clf_ts}] "{method} {path} HTTP/1.1" {status} {bytes} "-" "{agent}")t"},
    {kHttp, kWeb,
     R"t({ip} - {user} [{clf_ts}] "{method} {path}?{query} HTTP/2.0" {status} {bytes} {sec})t"},
    {kHttp, kCloud,
     R"t(nova.osapi_compute.wsgi.server [req-{uuid} {hex32} {hex32} - - -] {ip} "{method} /v2/{hex32}/servers/detail HTTP/1.1" status: {status} len: {bytes} time: {sec})t"},
    {kHttp, kCloud,
     R"t(nova.metadata.wsgi.server [req-{uuid} - - - - -] {ip},{ip} "GET /openstack/2013-10-17/meta_data.json HTTP/1.1" status: {status} len: {bytes} time: {sec})t"},
    {kHttp, kWeb,
     R"t({method} {path} (returned|responded with|->|completed with) (status |HTTP |)({status}|{status} {reason}) in {ms}ms)t"},
    {kHttp, kApp,
     R"t((HTTP|http) {method} request to {path} (returned|got) (status code|status|code) {status})t"},
    {kHttp, kWeb,
     R"t(request (completed|finished|served): method={method} path={path} status={status} duration={ms}ms( bytes={bytes}|))t"},
    {kHttp, kApp,
     R"t((Incoming|Received) (request|call): {method} {path} from {ip} - (response|status) {status})t"},
    {kHttp, kWeb,
     R"t(upstream response (status|code) {status} for {method} {path} (from|via) {host}:{port})t"},
    {kHttp, kApp,
     R"t(API call to {api} returned (HTTP |status |)({status}|{status} {reason}) after {ms} ms)t"},
    {kHttp, kWeb, R"t("{method} {path} HTTP/1.(0|1)" {status} {bytes})t"},
    {kHttp, kCloud,
     R"t(neutron.wsgi [req-{uuid} {hex32} {hex32} - - -] {ip} "{method} /v2.0/(ports|networks|subnets).json HTTP/1.1" status: {status} len: {bytes} time: {sec})t"},
    {kHttp, kApp, R"t((Response|Reply) {status} {reason} sent for {method} {path})t"},
    {kHttp, kWeb, R"t(access: client={ip} {method} {path} -> {status} ({bytes} bytes, {ms} ms))t"},
    {kHttp, kApp,
     R"t(GET request for {path} (completed|finished) with (status|response code) {status})t"},
    {kHttp, kWeb, R"t(HTTP/1.1 {status} {reason} - {method} {path} - {ms}ms)t"},
    {kHttp, kApp, R"t(Webhook delivery to {host}{path} (returned|responded) {status})t"},
    {kHttp, kWeb,
     R"t(status={status} method={method} uri={path} remote_addr={ip} (latency|rt)={sec})t"},
    {kHttp, kApp, R"t(Outgoing {method} https://{host}{path} -> {status} in {ms}ms)t"},
    {kHttp, kWeb,
     R"t({host} {ip} "{method} {path} HTTP/1.1" {status} {bytes} rt={sec} uct="{sec}")t"},

    {kHttp, kCloud,
     R"t(nova.api.openstack.compute.server_external_events [req-{uuid} {hex32} {hex32} - - -] {ip} "POST /v2/{hex32}/os-server-external-events HTTP/1.1" status: {status} len: {bytes} time: {sec})t"},
    {kHttp, kWeb,
     R"t((Served|Handled) {method} {path} for {ip}: {status} {reason} \({bytes} bytes\))t"},
    {kHttp, kApp,
     R"t(HTTP (request|response): {status} (returned |)(for|from) {method} {path}( \(took {ms} ms\)|))t"},
    {kHttp, kWeb, R"t({method} {path} {status} {ms}ms - {bytes} bytes)t"},
    {kHttp, kApp,
     R"t((Client|Browser) (request|call) {method} {path} (ended|completed) with (HTTP|status) {status})t"},

    // ---- Security Alert ------------------------------------------------------
    {kSecurity, kAuth,
     R"t((Failed|Invalid) password for (invalid user |){user} from {ip} port {port} ssh2)t"},
    {kSecurity, kAuth,
     R"t((Multiple|Repeated|{small}) (failed|unsuccessful|bad) login attempts (detected |)(for|on) (user|account) {user}( from {ip}|))t"},
    {kSecurity, kAuth,
     R"t((Brute force|Brute-force|Credential stuffing) attack (detected|suspected) from {ip}( against {user}|))t"},
    {kSecurity, kAuth,
     R"t((Privilege escalation|Admin access escalation|Elevation of privilege) (attempt |)(detected|observed) for user {uid})t"},
    {kSecurity, kWeb,
     R"t((Blocked|Banned|Denied) (IP|address|host) {ip} (after|due to) (too many|{small}) (failed attempts|suspicious requests))t"},
    {kSecurity, kAuth, R"t(Unauthorized access (attempt |)(to|on) {path} (by|from) {ip})t"},
    {kSecurity, kApp,
     R"t(Unauthorized access to (data|customer records|the admin panel) was attempted( by {user}|))t"},
    {kSecurity, kAuth,
     R"t({user} : user NOT in sudoers ; TTY=pts/{small} ; PWD=/home/{user} ; USER=root ; COMMAND={file_path})t"},
    {kSecurity, kAuth, R"t(Denied access attempt on restricted account {userid})t"},
    {kSecurity, kWeb,
     R"t((Possible|Potential|Suspected) (SQL injection|XSS|path traversal) (attempt |)(in|on) {path} from {ip})t"},
    {kSecurity, kAuth,
     R"t((Potential|Possible) security breach: (user|account) {uid} (privilege escalation|accessed restricted files))t"},
    {kSecurity, kAuth,
     R"t(authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip} user={user})t"},
    {kSecurity, kApp,
     R"t((Suspicious|Anomalous) login (for|by) {user} from (new country|unusual location) {country})t"},
    {kSecurity, kAuth,
     R"t((Account|User) {user} (locked|disabled) after {small} failed (login|authentication) attempts)t"},
    {kSecurity, kWeb,
     R"t(WAF (blocked|rejected) request from {ip}: rule {num} (matched|triggered))t"},
    {kSecurity, kAuth,
     R"t(Invalid (API key|token|credentials) (presented|used) (from|by) {ip}( for {api}|))t"},
    {kSecurity, kSys,
     R"t((Firewall|iptables) (dropped|blocked) (incoming |)connection from {ip} to port {port})t"},
    {kSecurity, kAuth,
     R"t(Possible break-in attempt! reverse mapping checking getaddrinfo for {host} [{ip}] failed)t"},
    {kSecurity, kApp,
     R"t((Malware|Virus|Trojan) (detected|found) in (upload|file) {file} from {user})t"},
    {kSecurity, kAuth,
     R"t(User {user} (attempted|tried) to access (restricted|forbidden) resource {path} without permission)t"},
    {kSecurity, kAuth, R"t((Root|root) login (attempt |)(refused|rejected) from {ip})t"},
    {kSecurity, kApp,
     R"t(Security alert: (unusual|suspicious) (number of|volume of) (password resets|token requests) for {user})t"},

    {kSecurity, kAuth, R"t((Server|Host) {small} experienced (a |)potential security incident)t"},
    {kSecurity, kAuth,
     R"t((Alert|Warning): (brute force|repeated) login (attempt|attempts) from {ip} detected)t"},
    {kSecurity, kAuth, R"t(Admin privilege elevation alert for user {uid})t"},
    {kSecurity, kApp,
     R"t(API access denied due to (unauthorized|invalid|revoked) credentials for user {uid})t"},
    {kSecurity, kSys,
     R"t(Anomalous activity identified on (server|host) {small}, security review recommended)t"},
    {kSecurity, kAuth, R"t(Multiple incorrect login attempts were made by user {uid})t"},
    {kSecurity, kAuth, R"t((Suspicious|Unusual) (login|sign-in) activity detected from {ip})t"},
    {kSecurity, kWeb,
     R"t((Port scan|Scanning activity|DDoS attack) (detected|observed) from {ip}( against {host}|))t"},

    // ---- System Notification -------------------------------------------------
    {kSysNote, kSys,
     R"t((Backup|Nightly backup|Scheduled backup) (completed|finished) successfully( in {sec}s|))t"},
    {kSysNote, kSys, R"t(Backup (started|initiated) at {date} {time})t"},
    {kSysNote, kSys, R"t(System (updated|upgraded) to version {ver})t"},
    {kSysNote, kSys,
     R"t((Disk|Temp file|Log) (cleanup|clean-up|rotation) completed( successfully|))t"},
    {kSysNote, kSys,
     R"t((System|Server|Host) reboot (initiated|scheduled|requested) by (user |){userid})t"},
    {kSysNote, kApp, R"t(File {file} uploaded successfully by (user |){userid})t"},
    {kSysNote, kSys, R"t((Started|Stopped|Restarted) {svc}.service( - {svc_desc}|))t"},
    {kSysNote, kSys,
     R"t((Service|Daemon) {svc} (started|stopped|restarted) (successfully|on {host}|))t"},
    {kSysNote, kSched, R"t((Cron|Scheduled) job {job} (completed|finished|ran) successfully)t"},
    {kSysNote, kSys,
     R"t(Certificate for {host} (renewed|rotated) (successfully|), (valid|expires) (until|on) {date})t"},
    {kSysNote, kSys, R"t((Package|Security patch) {pkg} (installed|updated) to {ver})t"},
    {kSysNote, kDb,
     R"t((Database|Index) (maintenance|vacuum|reindex) (on|for) {table} (completed|done))t"},
    {kSysNote, kCloud, R"t(Instance {uuid} (spawned|started|resumed) successfully on {host})t"},
    {kSysNote, kSys, R"t(Configuration (reloaded|updated) (from|using) {file_path})t"},
    {kSysNote, kStorage,
     R"t((Snapshot|Replica) {snap} (created|synchronized) (successfully|) for volume {vol})t"},
    {kSysNote, kSys,
     R"t((Scheduled |)(maintenance|downtime) window (starts|begins|ended) at {time})t"},
    {kSysNote, kSys, R"t(NTP (synchronized|sync completed) with {host}( offset {ms}ms|))t"},
    {kSysNote, kDb, R"t(checkpoint (complete|starting): (wrote|time) {num} buffers)t"},
    {kSysNote, kSched,
     R"t(Data (export|import|sync) (to|from) {host} (finished|completed) ({num} records|))t"},
    {kSysNote, kSys, R"t(Health check passed for {svc} on {host})t"},
    {kSysNote, kSys, R"t(Log files (archived|compressed) to {file_path})t"},
    {kSysNote, kCloud, R"t(Node {node} joined the cluster( {cluster}|))t"},

    {kSysNote, kSys, R"t(Backup ended at {date} {time}(.|))t"},
    {kSysNote, kSys,
     R"t((Software|Firmware|Agent) update (to|for) (version |v){ver} (applied|completed|rolled out) successfully)t"},
    {kSysNote, kSys,
     R"t((System|Host|Server) {host} (is back online|came back up|restarted) after (maintenance|reboot|update))t"},
    {kSysNote, kApp,
     R"t((Report|Dataset|Export) {file} (generated|published|delivered) successfully)t"},
    {kSysNote, kSys,
     R"t((Old|Expired|Stale) (logs|sessions|temp files|snapshots) (purged|removed|deleted): {num} (files|items|entries))t"},
    {kSysNote, kSched,
     R"t((Nightly|Daily|Weekly) (job|batch|sync) {job} (started|finished) at {time})t"},
    {kSysNote, kCloud,
     R"t((Deployment|Rollout) of {svc} (version |v){ver} (completed|succeeded) on {cluster})t"},
    {kSysNote, kSys,
     R"t((Scheduled |)(reboot|restart) of {host} (completed|done)(; all services running|))t"},

    {kSysNote, kSys, R"t((Successfully|Finished) (mounted|unmounted) {mount}( on {host}|))t"},
    {kSysNote, kSys, R"t((Reached target|Starting|Finished) {svc_desc}(.|))t"},
    {kSysNote, kSys,
     R"t((Indexing|Reindex|Cache warm-up) (job |)(completed|finished) (in {sec}s|successfully))t"},
    {kSysNote, kCloud,
     R"t((Autoscaler|Scheduler) (added|removed) {small} (nodes|replicas|instances) (to|from) {cluster})t"},
    {kSysNote, kSys,
     R"t((Daily|Weekly|Monthly) (report|digest|summary) (sent|emailed|published) to {email})t"},
    {kSysNote, kSys,
     R"t((License|Subscription) (renewed|activated) (successfully |)(until|through) {date})t"},
    {kSysNote, kApp,
     R"t((Import|Upload|Transfer) of {file} (finished|complete|completed)(: {num} rows|))t"},

    // ---- User Action ---------------------------------------------------------
    {kUserAction, kApp, R"t(User {userid} logged (in|out)( successfully|)(.|))t"},
    {kUserAction, kApp, R"t(Account with ID {uid} created by {userid})t"},
    {kUserAction, kAuth,
     R"t(Accepted (password|publickey) for {user} from {ip} port {port} ssh2)t"},
    {kUserAction, kApp,
     R"t((User|Customer) {user} (updated|changed) (their|the) (profile|email address|shipping address|password|avatar))t"},
    {kUserAction, kApp,
     R"t({user} (created|added) (a new |)(project|dashboard|report|folder) ('|"|){name}('|"|))t"},
    {kUserAction, kApp,
     R"t((User|Admin) {user} (deleted|removed|archived) (document|record|file) {file})t"},
    {kUserAction, kAuth, R"t(session opened for user {user} by (uid=0|\(uid=0\)))t"},
    {kUserAction, kAuth,
     R"t(User {user} (signed|logged) (in|out) (via|using) (SSO|SAML|OAuth|password))t"},
    {kUserAction, kApp, R"t(New (user|account) (registered|signed up): {email})t"},
    {kUserAction, kApp,
     R"t((User|Employee) {user} (submitted|approved) (leave request|timesheet|expense report) {num})t"},
    {kUserAction, kApp, R"t({user} (exported|downloaded) (report|invoice|data) {file})t"},
    {kUserAction, kApp, R"t(Role ({role}) (assigned|granted) to {user} by admin {user})t"},
    {kUserAction, kAuth, R"t(Password (changed|reset) (successfully |)(for|by) user {user})t"},
    {kUserAction, kApp,
     R"t((User|Customer) {userid} (added|removed) item {num} (to|from) (the |)cart)t"},
    {kUserAction, kApp, R"t({user} (enabled|disabled) two-factor authentication)t"},
    {kUserAction, kApp, R"t(User {uid} (changed|updated) (settings|preferences): {key}={value})t"},
    {kUserAction, kAuth, R"t(pam_unix\(sshd:session\): session closed for user {user})t"},
    {kUserAction, kApp, R"t((User|Agent) {user} (commented on|assigned|closed) ticket {ticket})t"},
    {kUserAction, kApp,
     R"t({user} (invited|added) {email} to (team|workspace|organization) {name})t"},
    {kUserAction, kApp, R"t(User {userid} (placed|submitted) order {orderid})t"},
    {kUserAction, kApp, R"t(Profile (picture|details) updated by {userid})t"},

    {kUserAction, kApp,
     R"t((User|Member) {userid} (logged out|signed out|ended the session)(.|))t"},
    {kUserAction, kApp,
     R"t((User|Admin) {userid} (created|opened|registered) (a new |)account (with ID|#) {uid})t"},
    {kUserAction, kApp,
     R"t({userid} (changed|updated|edited) (the |)(billing address|notification settings|display name|team settings))t"},
    {kUserAction, kApp,
     R"t((User|Customer) {userid} (viewed|opened|searched) (dashboard|report|catalog|order history) {name})t"},
    {kUserAction, kApp,
     R"t({user} (uploaded|attached|shared) (file|document) {file}( with {user}|))t"},
    {kUserAction, kAuth,
     R"t((Login|Sign-in) (successful|succeeded) for (user |){user}( from {ip}|))t"},

    {kUserAction, kApp,
     R"t({userid} (updated|modified|edited) (record|contact|opportunity|document) {num})t"},
    {kUserAction, kApp,
     R"t((User|Customer|Employee) {user} (requested|initiated) (a |)(password reset|data export|account deletion|refund))t"},
    {kUserAction, kApp,
     R"t((User|Admin) {user} (changed|switched) (language|timezone|theme|plan) to {value})t"},
    {kUserAction, kAuth,
     R"t(sudo: {user} : TTY=pts/{small} ; PWD=/home/{user} ; USER=root ; COMMAND=/usr/bin/(systemctl|apt|journalctl))t"},
    {kUserAction, kApp,
     R"t((User|Customer) {userid} (subscribed to|unsubscribed from|upgraded to|downgraded to) (the |)(newsletter|premium plan|basic plan))t"},

    // ---- Resource Usage ------------------------------------------------------
    {kResource, kCloud,
     R"t(nova.compute.claims [req-{uuid} {hex32} {hex32} - - -] [instance: {uuid}] Total (memory|disk|vcpu): {num} (MB|GB|VCPU), used: {float} (MB|GB|VCPU))t"},
    {kResource, kCloud,
     R"t(nova.compute.resource_tracker [req-{uuid} - - - - -] Final resource view: name={host} phys_ram={num}MB used_ram={num}MB phys_disk={small}GB used_disk={small}GB total_vcpus={small} used_vcpus={small} pci_stats=[])t"},
    {kResource, kCloud,
     R"t(nova.compute.claims [req-{uuid} {hex32} {hex32} - - -] [instance: {uuid}] (memory|disk) limit( not specified, defaulting to unlimited|: {float} (MB|GB), free: {float} (MB|GB)))t"},
    {kResource, kSys,
     R"t((CPU|Cpu|cpu) (usage|utilization|load) (at|is|reached) {pct}%( on {host}|))t"},
    {kResource, kSys,
     R"t((Memory|RAM|Heap) usage (at|is|reached|exceeded) {pct}%( \({num}MB of {num}MB\)|))t"},
    {kResource, kStorage,
     R"t((Disk|Volume|Filesystem) {mount} (is |)({pct}% full|at {pct}% capacity|usage {pct}%))t"},
    {kResource, kSys,
     R"t((High|Elevated) (CPU|memory|disk I/O|network) (usage|utilization) detected on {host}: {pct}%)t"},
    {kResource, kCloud,
     R"t(Quota (exceeded|reached|at {pct}%) for (project|tenant|user) {name}: {num} of {num} (instances|cores|GB))t"},
    {kResource, kSys, R"t(Load average: {float}, {float}, {float})t"},
    {kResource, kDb, R"t((Connection pool|Connections) (usage|at) {num}/{num}( \({pct}%\)|))t"},
    {kResource, kSys,
     R"t((Free|Available) (memory|disk space) (is |)(low|below threshold): {num} (MB|GB) (left|remaining))t"},
    {kResource, kCloud,
     R"t(Pod {pod} (memory|CPU) usage {num}(Mi|m) exceeds (request|limit) {num}(Mi|m))t"},
    {kResource, kStorage,
     R"t((Storage|Bucket) {name} (uses|consumes|is using) {float} (GB|TB) of {num} (GB|TB) quota)t"},
    {kResource, kSys, R"t((Swap|swap) usage (at|is) {pct}%)t"},
    {kResource, kSys,
     R"t((Network|Bandwidth) (throughput|usage) on {iface}: {num} (Mbps|MB/s)( \({pct}% of link\)|))t"},
    {kResource, kApp,
     R"t((API|Request) rate limit usage: {num}/{num} (calls|requests) (this hour|per minute))t"},
    {kResource, kDb, R"t((Table|Database) {table} size (is |reached |grew to ){float} (GB|MB))t"},
    {kResource, kSys,
     R"t((cpu|mem|disk)=({pct}%|{float}) (threshold|limit)=({pct}%|{float}) host={host})t"},
    {kResource, kSys,
     R"t((Thread|Worker) pool (usage|saturation|utilization): {num} of {num} (busy|active))t"},
    {kResource, kSched, R"t(Queue {queue} depth is {num} (messages|jobs)( \(limit {num}\)|))t"},
    {kResource, kCloud,
     R"t((Node|Host) {node} (resources|capacity): cpu {pct}%, memory {pct}%, disk {pct}%)t"},

    {kResource, kCloud,
     R"t(nova.compute.resource_tracker [req-{uuid} - - - - -] (Total usable vcpus|Free RAM|Free disk|Total physical ram): {num}( MB| GB|))t"},
    {kResource, kSys,
     R"t((CPU|Memory|Disk) (usage|utilization) (exceeded|crossed|above) (the |)(threshold|limit)( of {pct}%|)( on {host}|))t"},
    {kResource, kSys,
     R"t(({svc}|Process {pid}) (is using|consumes|uses) {pct}% (CPU|memory)( \({num} MB\)|))t"},
    {kResource, kCloud,
     R"t((Instance|VM|Container) {uuid} (memory|CPU|disk) (usage|allocation): {num} (MB|GB|cores))t"},
    {kResource, kStorage,
     R"t((Only |){pct}% (of |)(disk space|storage|inodes) (remaining|free|left) on {mount})t"},

    {kResource, kSys,
     R"t((Disk|Memory|CPU) (pressure|usage) (warning|alert|notice): {pct}% (used|utilized)( on {host}|))t"},
    {kResource, kDb,
     R"t((Buffer pool|Cache) (hit ratio|usage) (is |){pct}%( \({num} MB used\)|))t"},
    {kResource, kCloud,
     R"t((Project|Tenant|Namespace) {name} (is using|has used) {num} of {num} (vCPUs|GB RAM|floating IPs))t"},

    // ---- Error ---------------------------------------------------------------
    {kError, kDb, R"t((Shard|Partition) {small} replication task ended in failure)t"},
    {kError, kApp,
     R"t((Email|SMTP|Mail) (service|server) (encountered|reported) (a |)(sending|delivery) (fault|error))t"},
    {kError, kApp, R"t(Input data format mismatch (for|in) (module|field) {name})t"},
    {kError, kApp,
     R"t((Failed|Unable) to (connect|open connection) to {db} (at|on) {host}:{port}( \(timeout after {ms}ms\)|))t"},
    {kError, kApp,
     R"t((Exception|Error) (while|when) processing (request|message|event) {uuid}: {exception})t"},
    {kError, kDb,
     R"t(ERROR: (duplicate key value violates unique constraint|deadlock detected|relation "{table}" does not exist))t"},
    {kError, kApp,
     R"t((Could not|Failed to|Unable to) (parse|read|load) (config|configuration|file) {file_path})t"},
    {kError, kSched, R"t((Task|Job) {job} failed (with exit code {small}|after {small} retries))t"},
    {kError, kApp, R"t((Timeout|Timed out) (while |)(waiting for|calling) {svc} after {ms}ms)t"},
    {kError, kCloud,
     R"t((Failed|Error) to (attach|detach|resize) volume {vol} (to|from) instance {uuid})t"},
    {kError, kApp,
     R"t(Traceback \(most recent call last\): (KeyError|ValueError|TypeError): '{name}')t"},
    {kError, kApp,
     R"t(java.lang.(NullPointerException|IllegalStateException|IllegalArgumentException) at {java_class}\.{name}\(({java_file}):{num}\))t"},
    {kError, kStorage,
     R"t((Upload|Download|Sync) of {file} (to|from) {bucket} failed: {exception})t"},
    {kError, kApp, R"t((Report|Export) generation failed for {name}( \({exception}\)|))t"},
    {kError, kApp,
     R"t((Cache|Redis) (write|read|set) (failed|error) for key {key}(: connection reset|))t"},
    {kError, kApp, R"t(Failed to send (notification|email|SMS) to {email}(: {exception}|))t"},
    {kError, kDb, R"t(Query (failed|aborted) (after {ms}ms|): {exception})t"},
    {kError, kApp,
     R"t((Error|error) (code|status) {num}: (operation|request) (could not be completed|failed|was rejected))t"},
    {kError, kCloud,
     R"t((Image|Container) pull (failed|error) for {image}: (not found|manifest unknown|timeout))t"},
    {kError, kApp,
     R"t(Retrying (request|operation|connection) to {svc} \(attempt {small} of {small}\) after error)t"},
    {kError, kApp,
     R"t((Validation|Schema validation) (failed|error) (for|on) (payload|record) {uuid}: {name} is (required|invalid))t"},
    {kError, kSys,
     R"t({svc}.service: (Failed with result|Main process exited, code=exited, status={small}) 'exit-code')t"},

    {kError, kApp,
     R"t(Module ('|"|){module}('|"|) (failed to process|could not process|rejected) input data due to (a |)format error)t"},
    {kError, kDb, R"t(Replication of data to shard {small} failed)t"},
    {kError, kApp, R"t((Email|Message) dispatch failed due to (SMTP|mail) server error)t"},
    {kError, kApp,
     R"t((Invalid|Unexpected|Malformed) data format (for|in) (module|component) {module})t"},
    {kError, kApp,
     R"t((Operation|Request|Job) {uuid} (failed|errored)(: {exception}|); (will retry|retry scheduled|continuing))t"},
    {kError, kApp,
     R"t((Could not|Unable to|Failed to) (update|save|delete) (record|entry|item) {num}(: {exception}|))t"},

    {kError, kApp,
     R"t((Failed|Unable) to (generate|render|compile) (thumbnail|template|PDF|report) for {file})t"},
    {kError, kSys,
     R"t((Connection|Socket) (reset|closed|refused) (by peer |)(while|when) (reading from|writing to) {host}(:{port}|))t"},
    {kError, kApp,
     R"t((Request|Call) to {svc} (failed|returned an error)(: {exception}|); (falling back|using cached value|skipping))t"},
    {kError, kApp, R"t((Error|Exception) in (worker|handler|consumer) {name}: {exception})t"},

    // ---- Critical Error ------------------------------------------------------
    {kCritical, kSys,
     R"t((System|Server|Node) crashed due to (disk I/O failure|kernel panic|memory corruption) on {node})t"},
    {kCritical, kSys, R"t((Essential|Critical) system (part|component) malfunction: ID {small})t"},
    {kCritical, kSys,
     R"t(Kernel panic - not syncing: (Fatal exception|Attempted to kill init!|VFS: Unable to mount root fs))t"},
    {kCritical, kStorage,
     R"t((RAID|Array|Pool) {vol} (degraded|failed): (disk|drive) {disk} (failed|removed|not responding))t"},
    {kCritical, kDb, R"t((Database|Data) corruption detected in (table |index |){table})t"},
    {kCritical, kApp, R"t((Email|Payment|Authentication) service (is |)(down|unavailable|experiencing (issues|outage)) (for all users|with sending|))t"},
    {kCritical, kDb,
     R"t(FATAL: (the database system is in recovery mode|could not write to file "{file_path}": No space left on device))t"},
    {kCritical, kSys, R"t(Out of memory: Killed process {pid} \({svc}\) total-vm:{num}kB)t"},
    {kCritical, kStorage,
     R"t((Hardware|Disk|Memory|ECC) (failure|fault|error) (detected|reported) on {disk}( \(SMART status FAILED\)|))t"},
    {kCritical, kCloud,
     R"t((Cluster|Service|Region) {region} (outage|is down|unreachable): (all|{num}) (nodes|replicas) (offline|failing health checks))t"},
    {kCritical, kApp,
     R"t((Application|Process|Service) {svc} (crashed|terminated unexpectedly|aborted) \((signal {small}|SIGSEGV|segmentation fault|core dumped)\))t"},
    {kCritical, kSys, R"t(Boot process terminated unexpectedly due to kernel issue)t"},
    {kCritical, kDb,
     R"t(Data replication task for shard {small} did not complete( - data loss possible|))t"},
    {kCritical, kDb,
     R"t((Primary|Master) database {db} (is |)(unreachable|down); failover (failed|not possible))t"},
    {kCritical, kSys,
     R"t((Power supply|PSU|Fan|Temperature sensor) {small} (failure|failed|critical)( on {host}|))t"},
    {kCritical, kStorage,
     R"t(Filesystem {mount} (remounted read-only|corrupted) (after|due to) (I/O errors|journal failure))t"},
    {kCritical, kApp,
     R"t((CRITICAL|FATAL|Fatal error): (unable to start|cannot continue|shutting down) {svc}( - {exception}|))t"},
    {kCritical, kCloud, R"t((Split-brain|Quorum lost) (detected |)in cluster {cluster})t"},
    {kCritical, kSys,
     R"t((Machine check exception|MCE|Uncorrectable (memory|ECC) error) on CPU {small})t"},
    {kCritical, kApp,
     R"t((Complete|Total|Full) (outage|service disruption) of {svc}: (all requests failing|no healthy backends))t"},
    {kCritical, kDb,
     R"t((Transaction log|WAL|Journal) (corrupted|lost); (database|data) (cannot be recovered|integrity at risk))t"},

    {kCritical, kSys, R"t(Critical system unit error: unit ID (Component|Unit){small})t"},
    {kCritical, kSys, R"t(System component malfunction: component ID (Component|Module){small})t"},
    {kCritical, kApp, R"t(Email service affected by failed transmission)t"},
    {kCritical, kStorage,
     R"t(Multiple (disk|drive) faults detected in (storage array|RAID group) {small})t"},
    {kCritical, kSys,
     R"t((Server|Node|Host) {host} (went down|is down|is not responding) unexpectedly( - service unavailable|))t"},
    {kCritical, kDb,
     R"t((Irrecoverable|Unrecoverable|Severe) (data|database) (loss|corruption) (on|in) {db})t"},

    {kCritical, kSys,
     R"t((Service|Application|Website) {svc} (is completely down|unavailable for all users|not responding on any node))t"},
    {kCritical, kStorage,
     R"t((Data loss|Data corruption) (detected|reported) (on|in) (volume|bucket|disk) {vol})t"},
    {kCritical, kSys,
     R"t((Emergency|EMERGENCY): (system|host) {host} (is shutting down|halted|is unusable))t"},
    {kCritical, kCloud,
     R"t((Control plane|API server|etcd) (unavailable|down|lost quorum) in {cluster})t"},

    // ---- Workflow Error ------------------------------------------------------
    {kWorkflow, kApp,
     R"t(Case escalation for ticket ID {ticket} failed because the assigned support agent is no longer active)t"},
    {kWorkflow, kApp,
     R"t((Invoice|Bill) {invoice} (generation|processing) failed( for customer {customer}|)( due to missing tax data|))t"},
    {kWorkflow, kApp,
     R"t((Order|Purchase order) {orderid} (could not be|was not|failed to be) (processed|fulfilled|shipped)( due to (insufficient stock|payment decline|address validation error)|))t"},
    {kWorkflow, kApp,
     R"t((Payment|Transaction|Refund) {txn} (failed|declined|rejected)( for (order|customer) {orderid}|)(: {pay_reason}|))t"},
    {kWorkflow, kApp,
     R"t((Customer follow-up|Lead assignment|Approval) (process|workflow) for {customer} (failed|stalled|did not complete))t"},
    {kWorkflow, kApp,
     R"t((Ticket|Case) {ticket} (could not be|was not) (escalated|assigned|routed)( to {team}|))t"},
    {kWorkflow, kApp,
     R"t((Subscription|Contract) renewal (for|of) {customer} failed( \({pay_reason}\)|))t"},
    {kWorkflow, kApp,
     R"t((Shipment|Delivery) (for|of) order {orderid} (failed|was rejected) (by carrier|at checkpoint|)({carrier}|))t"},
    {kWorkflow, kApp,
     R"t((Payroll|Expense reimbursement) (run|processing) for (employee |){uid} failed)t"},
    {kWorkflow, kApp,
     R"t((SLA|Service level) (breach|violation) on ticket {ticket}: escalation (not sent|failed))t"},
    {kWorkflow, kApp,
     R"t((Approval|Sign-off) step ({small}|"{name}") (rejected|timed out) in (workflow|process) {job})t"},
    {kWorkflow, kApp,
     R"t((Onboarding|Offboarding) workflow for (employee|user) {user} (failed|aborted) at step {small})t"},
    {kWorkflow, kApp,
     R"t((Credit|Quote) (check|approval) for (account|customer) {customer} (failed|was denied))t"},
    {kWorkflow, kApp,
     R"t(Lead conversion (failed|error) for {customer}: (duplicate account|missing owner))t"},
    {kWorkflow, kApp,
     R"t((Inventory|Stock) reservation (failed|could not be completed) for order {orderid})t"},
    {kWorkflow, kApp,
     R"t((Billing|Invoicing) (cycle|run) {num} (halted|failed) for {num} (accounts|customers))t"},
    {kWorkflow, kApp,
     R"t(Purchase request {num} (stuck|blocked) (awaiting|pending) (manager|finance) approval)t"},
    {kWorkflow, kApp,
     R"t((Chargeback|Dispute) (processing|handling) failed for transaction {txn})t"},
    {kWorkflow, kApp,
     R"t(Customer {customer} (order|booking) {orderid} cancelled: (payment|fulfillment) workflow error)t"},
    {kWorkflow, kApp,
     R"t((Return|RMA) request {num} (could not be processed|was rejected by the workflow))t"},

    {kWorkflow, kApp,
     R"t(Lead conversion failed for prospect ID {uid} due to missing (contact information|owner|email))t"},
    {kWorkflow, kApp,
     R"t(Customer follow-up process for lead ID {uid} failed due to missing next action)t"},
    {kWorkflow, kApp,
     R"t(Escalation rule execution failed for ticket ID {ticket} - (undefined escalation level|no matching rule))t"},
    {kWorkflow, kApp,
     R"t(Task assignment for TeamID {uid} could not complete due to invalid priority level)t"},
    {kWorkflow, kApp,
     R"t(Invoice generation process aborted for order ID {uid} due to invalid tax calculation( module|))t"},
    {kWorkflow, kApp,
     R"t((Order|Booking|Claim) processing (workflow |)(halted|stopped|failed) at (step|stage) ('|"|){name}('|"|) for (order|case) {orderid})t"},

    // ---- Deprecation Warning -------------------------------------------------
    {kDeprecation, kApp,
     R"t(The '{module}' module will be retired in version {ver}. Please migrate to the '{module}' module by {month} {year})t"},
    {kDeprecation, kApp,
     R"t((API|Endpoint) {api_path} is deprecated (and will be removed in|since) (v|version ){ver}( - use {api_path} instead|))t"},
    {kDeprecation, kApp,
     R"t((Support|Maintenance) for {product} (has been|will be) (discontinued|dropped|ended)( in {year}| after {date}|))t"},
    {kDeprecation, kApp,
     R"t((DeprecationWarning|FutureWarning): {name}\(\) is deprecated(; use {name}\(\) instead|))t"},
    {kDeprecation, kApp,
     R"t(\[DEPRECATED\] (The |)(option|flag|setting) (--|){name} (is deprecated|will be removed)( in {ver}|))t"},
    {kDeprecation, kCloud,
     R"t((Configuration option|Option) \[{name}\] {name} is deprecated(, use \[{name}\] {name} instead|))t"},
    {kDeprecation, kApp,
     R"t({product} {ver} (is|has reached) end of life( \(EOL\)|) and is no longer (supported|maintained))t"},
    {kDeprecation, kWeb,
     R"t((TLS|SSL) (1.0|1.1|v3) (is deprecated|support will be removed)( on {date}|))t"},
    {kDeprecation, kApp,
     R"t((Legacy|Old|v1) (endpoint|interface|API) {api_path} (will be|is being) (retired|sunset|phased out)( on {date}|))t"},
    {kDeprecation, kCloud,
     R"t(apiVersion {k8s_api} is deprecated in v1.{small}\+, unavailable in v1.{small}\+)t"},
    {kDeprecation, kApp,
     R"t((Method|Function|Class) {java_class} is (marked |)(deprecated|obsolete)( and scheduled for removal|))t"},
    {kDeprecation, kApp,
     R"t((Feature|Plugin|Integration) ('|"|){name}('|"|) is (no longer supported|unsupported) (in|as of) (version |v){ver})t"},
    {kDeprecation, kDb,
     R"t((Parameter|Variable) {name} is deprecated (and will be removed in a future release|since {ver}))t"},
    {kDeprecation, kApp,
     R"t(Warning: (use of |)(the |){name} (library|package|SDK) (version {ver} |)is deprecated)t"},
    {kDeprecation, kApp,
     R"t((Python|Java|Node.js|PHP) {ver} (runtime |)(support|compatibility) (ends|will end|is deprecated)( on {date}|))t"},
    {kDeprecation, kApp,
     R"t((Retiring|Sunsetting) {product} (in|on) {month} {year}(; (migrate|move) to {product}|))t"},
    {kDeprecation, kSys,
     R"t(The {name} (command|utility|service) is deprecated and (will be removed|may be removed in future releases))t"},
    {kDeprecation, kApp,
     R"t((This|The) (version|release) of {product} (is|will soon be) (unsupported|out of support); (please |)upgrade to {ver})t"},
    {kDeprecation, kWeb,
     R"t((Header|Query parameter) {name} is deprecated and will be ignored( after {date}|))t"},
    {kDeprecation, kApp,
     R"t((Client|SDK) version {ver} is (outdated|deprecated); (minimum|required) version is {ver})t"},
    {kDeprecation, kApp,
     R"t(API endpoint ('|"|){name}('|"|) is deprecated and will be removed in version {ver}. Use ('|"|){name}('|"|) instead)t"},
    {kDeprecation, kApp,
     R"t(Support for legacy (authentication methods|integrations|file formats) will be discontinued after {date})t"},
    {kDeprecation, kApp,
     R"t(The ('|"|){module}('|"|) feature will be deprecated in v{ver}. Use ('|"|){module}('|"|) for improved functionality)t"},
    {kDeprecation, kApp,
     R"t(The ('|"|){module}('|"|) feature is outdated. Please migrate to ('|"|){module}('|"|) by the end of Q{small})t"},
    {kDeprecation, kApp,
     R"t((Deprecated|Obsolete) (call|usage) (of|to) {api_path} (detected|logged)(; (update|upgrade) your client|))t"},
};
constexpr size_t kNumFamilies = sizeof(kFamilies) / sizeof(kFamilies[0]);

// ---- slot values ----------------------------------------------------------

constexpr std::array<std::string_view, 24> kUsers = {
    "alice",    "bob",     "jdoe",   "admin",   "root",    "svc-backup", "m.garcia", "oracle",
    "ubuntu",   "test",    "deploy", "kwang",   "priya.s", "jenkins",    "postgres", "guest",
    "operator", "l.rossi", "ahmed",  "chen.li", "support", "nagios",     "ftpuser",  "sarah_k"};
constexpr std::array<std::string_view, 8> kMethods = {"GET", "GET",    "GET",   "POST",
                                                      "PUT", "DELETE", "PATCH", "HEAD"};
constexpr std::array<std::string_view, 16> kStatuses = {"200", "200", "200", "201", "204", "301",
                                                        "302", "304", "400", "401", "403", "404",
                                                        "404", "429", "500", "503"};
constexpr std::array<std::string_view, 16> kReasons = {"OK",
                                                       "OK",
                                                       "OK",
                                                       "Created",
                                                       "No Content",
                                                       "Moved Permanently",
                                                       "Found",
                                                       "Not Modified",
                                                       "Bad Request",
                                                       "Unauthorized",
                                                       "Forbidden",
                                                       "Not Found",
                                                       "Not Found",
                                                       "Too Many Requests",
                                                       "Internal Server Error",
                                                       "Service Unavailable"};
constexpr std::array<std::string_view, 14> kPaths = {"/api/v1/orders",
                                                     "/index.html",
                                                     "/login",
                                                     "/api/v2/users/{num}",
                                                     "/static/app.js",
                                                     "/healthz",
                                                     "/v1/payments/{num}",
                                                     "/images/logo.png",
                                                     "/api/search",
                                                     "/admin/settings",
                                                     "/checkout",
                                                     "/metrics",
                                                     "/wp-login.php",
                                                     "/api/v1/invoices/{num}/pdf"};
constexpr std::array<std::string_view, 6> kAgents = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",    "curl/7.88.1",        "python-requests/2.31.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 13_4)", "Go-http-client/1.1", "kube-probe/1.27"};
constexpr std::array<std::string_view, 14> kServices = {"nginx",         "postgresql",
                                                        "docker",        "sshd",
                                                        "cron",          "kafka",
                                                        "redis-server",  "payment-api",
                                                        "order-service", "auth-service",
                                                        "elasticsearch", "rabbitmq-server",
                                                        "inventory-svc", "notification-worker"};
constexpr std::array<std::string_view, 10> kHosts = {"web-01",
                                                     "db-prod-3",
                                                     "cp-1.slowvm1.tcloud-pg0.utah.cloudlab.us",
                                                     "ip-10-0-3-17",
                                                     "node-7",
                                                     "app-server-2",
                                                     "worker-12.eu-west-1",
                                                     "k8s-node-04",
                                                     "mail.example.com",
                                                     "api.partner.io"};
constexpr std::array<std::string_view, 12> kNames = {
    "ReportGenerator", "customer_id",   "billing-export", "Q3 Sales",
    "invoice_date",    "legacy_auth",   "DataSync",       "marketing",
    "user_email",      "OrderPipeline", "tax_rate",       "analytics"};
constexpr std::array<std::string_view, 10> kModules = {
    "ReportGenerator", "AdvancedAnalyticsSuite", "LegacyAuth", "ClassicUI",    "BulkImporter",
    "DataExportV1",    "SmartInsights",          "PaymentsV2", "OldScheduler", "InsightEngine"};
constexpr std::array<std::string_view, 10> kExceptions = {
    "connection refused",
    "java.net.SocketTimeoutException: Read timed out",
    "NullPointerException",
    "permission denied",
    "invalid input syntax for type integer",
    "ECONNRESET",
    "broken pipe",
    "KeyError: 'id'",
    "unexpected end of JSON input",
    "certificate verify failed"};
constexpr std::array<std::string_view, 8> kProducts = {
    "Windows Server 2012", "CentOS 7",
    "the v1 REST API",     "Internet Explorer 11",
    "Python 2.7 SDK",      "the Classic dashboard",
    "MySQL 5.7",           "the legacy mobile app"};
constexpr std::array<std::string_view, 8> kPayReasons = {"card declined",
                                                         "insufficient funds",
                                                         "gateway timeout",
                                                         "expired card",
                                                         "fraud check failed",
                                                         "currency not supported",
                                                         "3-D Secure authentication failed",
                                                         "duplicate transaction"};
constexpr std::array<std::string_view, 8> kDbs = {
    "postgres", "mysql",     "MongoDB",   "the database",
    "redis",    "orders-db", "Cassandra", "the primary replica"};
constexpr std::array<std::string_view, 8> kTables = {
    "orders",   "public.users",      "invoices",    "audit_log",
    "sessions", "customer_accounts", "events_2024", "payments"};
constexpr std::array<std::string_view, 8> kCountries = {
    "RU", "CN", "BR", "NG", "KP", "an unknown country", "Romania", "Vietnam"};
constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 6> kTeams = {"Tier 2",           "billing team",
                                                    "on-call engineer", "L3 support",
                                                    "account manager",  "escalations queue"};
constexpr std::array<std::string_view, 6> kRoles = {"admin",           "editor",  "viewer",
                                                    "billing-manager", "auditor", "owner"};
constexpr std::array<std::string_view, 6> kK8sApis = {"policy/v1beta1 PodSecurityPolicy",
                                                      "extensions/v1beta1 Ingress",
                                                      "batch/v1beta1 CronJob",
                                                      "autoscaling/v2beta2",
                                                      "networking.k8s.io/v1beta1",
                                                      "apps/v1beta2 Deployment"};

std::string Num(Rng& r, int lo, int hi) { return std::to_string(r.Range(lo, hi)); }

std::string Hex(Rng& r, int n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(kDigits[r.Below(16)]);
  return s;
}

std::string Ip(Rng& r) {
  return std::to_string(r.Range(1, 223)) + "." + Num(r, 0, 255) + "." + Num(r, 0, 255) + "." +
         Num(r, 1, 254);
}

std::string Date(Rng& r) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", r.Range(2021, 2026), r.Range(1, 12), r.Range(1, 28));
  return b;
}

std::string Time(Rng& r) {
  char b[16];
  std::snprintf(b, sizeof b, "%02d:%02d:%02d", r.Range(0, 23), r.Range(0, 59), r.Range(0, 59));
  return b;
}

std::string Float(Rng& r, int max_int) { return Num(r, 0, max_int) + "." + Num(r, 0, 99); }

std::string Expand(std::string_view text, Rng& r);

std::string Slot(std::string_view s, Rng& r) {
  if (s == "ip") return Ip(r);
  if (s == "port") return Num(r, 1024, 65535);
  if (s == "user") return std::string(r.Pick(kUsers));
  if (s == "userid") return r.Chance(0.6) ? "User" + Num(r, 1, 999) : std::string(r.Pick(kUsers));
  if (s == "uid") return Num(r, 100, 9999);
  if (s == "small") return Num(r, 1, 20);
  if (s == "num") return Num(r, 10, 99999);
  if (s == "pct") return Num(r, 50, 100);
  if (s == "float") return Float(r, 4096);
  if (s == "ms") return Num(r, 1, 30000);
  if (s == "sec") return "0." + Num(r, 1000, 9999999);
  if (s == "bytes") return Num(r, 0, 250000);
  if (s == "method") return std::string(r.Pick(kMethods));
  if (s == "status") return std::string(r.Pick(kStatuses));
  if (s == "reason") return std::string(r.Pick(kReasons));
  if (s == "path") return Expand(r.Pick(kPaths), r);
  if (s == "query") return "id=" + Num(r, 1, 9999) + "&page=" + Num(r, 1, 9);
  if (s == "agent") return std::string(r.Pick(kAgents));
  if (s == "clf_ts")
    return Num(r, 10, 28) + "/" + std::string(r.Pick(kMonths)).substr(0, 3) + "/2025:" + Time(r) +
           " +0000";
  if (s == "uuid")
    return Hex(r, 8) + "-" + Hex(r, 4) + "-" + Hex(r, 4) + "-" + Hex(r, 4) + "-" + Hex(r, 12);
  if (s == "hex32") return Hex(r, 32);
  if (s == "host") return std::string(r.Pick(kHosts));
  if (s == "node") return r.Chance(0.5) ? "node-" + Num(r, 1, 40) : std::string(r.Pick(kHosts));
  if (s == "svc") return std::string(r.Pick(kServices));
  if (s == "svc_desc") return "The " + std::string(r.Pick(kServices)) + " daemon";
  if (s == "name") return std::string(r.Pick(kNames));
  if (s == "module") return std::string(r.Pick(kModules));
  if (s == "exception") return std::string(r.Pick(kExceptions));
  if (s == "product") return std::string(r.Pick(kProducts));
  if (s == "pay_reason") return std::string(r.Pick(kPayReasons));
  if (s == "db") return std::string(r.Pick(kDbs));
  if (s == "table") return std::string(r.Pick(kTables));
  if (s == "country") return std::string(r.Pick(kCountries));
  if (s == "month") return std::string(r.Pick(kMonths));
  if (s == "year") return Num(r, 2024, 2027);
  if (s == "team") return std::string(r.Pick(kTeams));
  if (s == "role") return std::string(r.Pick(kRoles));
  if (s == "k8s_api") return std::string(r.Pick(kK8sApis));
  if (s == "date") return Date(r);
  if (s == "time") return Time(r);
  if (s == "ver")
    return Num(r, 1, 12) + "." + Num(r, 0, 9) + (r.Chance(0.5) ? "." + Num(r, 0, 20) : "");
  if (s == "file")
    return std::string(r.Pick(kNames)) + "_" + Num(r, 1, 9999) + (r.Chance(0.5) ? ".csv" : ".pdf");
  if (s == "file_path")
    return "/etc/" + std::string(r.Pick(kServices)) + "/" +
           (r.Chance(0.5) ? "config.yaml" : "app.conf");
  if (s == "job") return std::string(r.Pick(kNames)) + "_job_" + Num(r, 1, 99);
  if (s == "queue") return "queue-" + std::string(r.Pick(kNames));
  if (s == "ticket") return Num(r, 1000, 99999);
  if (s == "orderid") return (r.Chance(0.5) ? "ORD-" : "#") + Num(r, 10000, 999999);
  if (s == "invoice") return "INV-" + Num(r, 1000, 99999);
  if (s == "txn") return "TXN" + Num(r, 100000, 9999999);
  if (s == "customer")
    return (r.Chance(0.5) ? "customer " : "") + std::string("CUST-") + Num(r, 100, 99999);
  if (s == "carrier") return r.Chance(0.5) ? "DHL" : "UPS";
  if (s == "email") return std::string(r.Pick(kUsers)) + "@example.com";
  if (s == "api") return "/api/v" + Num(r, 1, 3) + "/" + std::string(r.Pick(kNames));
  if (s == "api_path") return "/api/v" + Num(r, 1, 3) + "/" + std::string(r.Pick(kTables));
  if (s == "java_class") return "com.example." + std::string(r.Pick(kModules));
  if (s == "java_file") return std::string(r.Pick(kModules)) + ".java";
  if (s == "mount") return r.Chance(0.5) ? "/var" : (r.Chance(0.5) ? "/dev/sda1" : "/data");
  if (s == "disk") return "/dev/sd" + std::string(1, static_cast<char>('a' + r.Below(8)));
  if (s == "vol") return "vol-" + Hex(r, 8);
  if (s == "snap") return "snap-" + Hex(r, 8);
  if (s == "pod") return std::string(r.Pick(kServices)) + "-" + Hex(r, 5);
  if (s == "iface") return r.Chance(0.5) ? "eth0" : "ens192";
  if (s == "image")
    return "registry.local/" + std::string(r.Pick(kServices)) + ":" + Num(r, 1, 9) + ".0";
  if (s == "bucket") return "s3://backups-" + Num(r, 1, 9);
  if (s == "region") return r.Chance(0.5) ? "us-east-1" : "eu-central";
  if (s == "cluster") return "cluster-" + Num(r, 1, 9);
  if (s == "pid") return Num(r, 100, 65000);
  if (s == "pkg") return r.Chance(0.5) ? "openssl" : "linux-image-generic";
  if (s == "key") return "user:" + Num(r, 1, 9999);
  if (s == "value") return r.Chance(0.5) ? "dark" : "en-US";
  return "{" + std::string(s) + "}";  // an unknown slot shows itself (a generator bug)
}

// Expands "(a|b|)" alternatives (nestable) and "{slot}" values; "\x" is x.
std::string Expand(std::string_view t, Rng& r) {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '\\' && i + 1 < t.size()) {
      out.push_back(t[++i]);
    } else if (c == '{') {
      size_t end = t.find('}', i);
      if (end == std::string_view::npos) {
        out.append(t.substr(i));
        break;
      }
      out += Slot(t.substr(i + 1, end - i - 1), r);
      i = end;
    } else if (c == '(') {
      // Split the group at top-level '|' and pick one branch.
      std::vector<std::string_view> branches;
      int depth = 0;
      size_t start = i + 1, j = i + 1;
      for (; j < t.size(); ++j) {
        if (t[j] == '\\') {
          ++j;
        } else if (t[j] == '(') {
          ++depth;
        } else if (t[j] == ')') {
          if (depth-- == 0) break;
        } else if (t[j] == '|' && depth == 0) {
          branches.push_back(t.substr(start, j - start));
          start = j + 1;
        }
      }
      branches.push_back(t.substr(start, j - start));
      out += Expand(branches[r.Below(branches.size())], r);
      i = j;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

constexpr std::array<std::array<std::string_view, 3>, 9> kLevels = {{
    {"INFO", "INFO", "WARN"},        // HTTP Status
    {"WARN", "ALERT", "NOTICE"},     // Security Alert
    {"INFO", "INFO", "NOTICE"},      // System Notification
    {"INFO", "INFO", "DEBUG"},       // User Action
    {"INFO", "WARN", "WARNING"},     // Resource Usage
    {"ERROR", "ERROR", "ERR"},       // Error
    {"CRITICAL", "FATAL", "ERROR"},  // Critical Error
    {"ERROR", "WARN", "ERROR"},      // Workflow Error
    {"WARN", "WARNING", "INFO"},     // Deprecation Warning
}};

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Wraps a message in the line format of a kind of system.
std::string Wrap(const std::string& msg, std::string_view source, Label label, Rng& r) {
  const std::string level(kLevels[label][r.Below(3)]);
  std::string lower = level;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string ts = Date(r) + (r.Chance(0.5) ? "T" : " ") + Time(r) + "." + Num(r, 100, 999);
  switch (r.Below(10)) {
    case 0:
    case 1:
    case 2:
    case 3:
      return msg;  // bare message, as in the original's CSV
    case 4:
      return std::string(r.Pick(kMonths)).substr(0, 3) + " " + Num(r, 1, 28) + " " + Time(r) + " " +
             std::string(r.Pick(kHosts)) + " " + std::string(source) + "[" + Num(r, 100, 65000) +
             "]: " + msg;
    case 5:
      return ts + "Z " + level + " [" + std::string(source) + "] " + msg;
    case 6:
      return "{\"timestamp\":\"" + ts + "Z\",\"level\":\"" + lower + "\",\"service\":\"" +
             std::string(source) + "\",\"message\":\"" + JsonEscape(msg) + "\"}";
    case 7:
      return "ts=" + ts + "Z level=" + lower + " service=" + std::string(source) + " msg=\"" +
             JsonEscape(msg) + "\"";
    case 8:
      return ts + " " + level + " " + Num(r, 100, 65000) + " --- [" +
             (r.Chance(0.5) ? "main" : "worker-3") + "] " + std::string(source) + " : " + msg;
    default:
      return "[" + level + "] " + ts + " " + msg;
  }
}

std::string AddNoise(std::string line, Rng& r) {
  if (r.Chance(0.12)) line += " request_id=" + Hex(r, 8) + "-" + Hex(r, 4);
  if (r.Chance(0.06)) line += " (trace " + Hex(r, 16) + ")";
  if (r.Chance(0.08) && !line.empty() && line.back() != '.' && line.back() != '}' &&
      line.back() != '"')
    line += ".";
  if (r.Chance(0.03)) {
    for (char& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return line;
}

bool HeldOut(size_t family) {
  size_t within = 0;  // index of the family among those of its label
  for (size_t f = 0; f < family; ++f) within += kFamilies[f].label == kFamilies[family].label;
  return within % 5 == 4;
}

}  // namespace

size_t SyntheticFamilyCount() { return kNumFamilies; }

size_t SyntheticHoldoutFamilyCount() {
  size_t n = 0;
  for (size_t f = 0; f < kNumFamilies; ++f) n += HeldOut(f);
  return n;
}

std::vector<SyntheticRow> GenerateSyntheticLogs(const SyntheticOptions& options) {
  std::array<std::vector<size_t>, 9> by_label;
  for (size_t f = 0; f < kNumFamilies; ++f) {
    const bool held = HeldOut(f);
    if (options.split == SyntheticSplit::kAll ||
        (options.split == SyntheticSplit::kHoldout) == held) {
      by_label[kFamilies[f].label].push_back(f);
    }
  }
  Rng r(options.seed * 0x2545F4914F6CDD1Dull + 17);
  std::vector<SyntheticRow> rows;
  rows.reserve(options.rows);
  for (size_t i = 0; i < options.rows; ++i) {
    const size_t label = i % 9;  // balanced classes, in a fixed interleaved order
    const std::vector<size_t>& fams = by_label[label];
    const Family& fam = kFamilies[fams[r.Below(fams.size())]];
    const std::string_view source = kSources[fam.system][r.Below(6)];
    std::string line = AddNoise(Wrap(Expand(fam.text, r), source, fam.label, r), r);
    rows.push_back({std::string(source), std::move(line), std::string(kLabelNames[label]),
                    static_cast<int>(&fam - kFamilies)});
  }
  return rows;
}

}  // namespace logsieve::train
