// Server: the handlers behind the HTTP edge.
#include "server/server.h"

#include <utility>

#include "server/handlers.h"
#include "server/http_edge.h"

namespace logsieve {

struct Server::Impl {
  explicit Impl(ServerOptions o) : handlers(std::move(o)) {}
  Handlers handlers;
  std::unique_ptr<HttpEdge> edge;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }

StatusOr<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  LOGSIEVE_ASSIGN_OR_RETURN(impl->edge, HttpEdge::Create(impl->handlers));
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Status Server::Bind() { return impl_->edge->Bind(); }
int Server::port() const { return impl_->edge->port(); }

void Server::SetClassifier(std::shared_ptr<const Classifier> classifier) {
  impl_->handlers.SetClassifier(std::move(classifier));
}

void Server::SetLoader(ClassifierLoader loader) { impl_->handlers.SetLoader(std::move(loader)); }

Status Server::Reload() { return impl_->handlers.Reload(); }

void Server::SetStore(std::shared_ptr<StoreRecorder> recorder) {
  impl_->handlers.SetStore(std::move(recorder));
}

void Server::SetModelService(std::shared_ptr<const ModelService> models) {
  impl_->handlers.SetModelService(std::move(models));
}

bool Server::ready() const {
  return impl_->handlers.classifier() != nullptr && !impl_->handlers.stopping();
}

Status Server::Serve() { return impl_->edge->Serve(); }

void Server::Stop() {
  impl_->handlers.SetStopping();
  impl_->edge->Stop();
}

}  // namespace logsieve
