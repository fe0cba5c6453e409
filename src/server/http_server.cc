// The only translation unit that includes Boost.Beast (about 50 s and 800 MB
// to compile): sockets, HTTP/1.1 framing, keep-alive, timeouts, signals.
// Everything a request means is decided by Api (api.cc), on values.

#include "stocktake/server/http_server.h"

#include <fmt/format.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <csignal>
#include <exception>
#include <memory>
#include <set>

#include "stocktake/server/access_log.h"
#include "stocktake/server/api.h"
#include "stocktake/server/http_error.h"
#include "stocktake/server/metrics.h"
#include "stocktake/server/worker_pool.h"

namespace stocktake::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Asynchronous operations report errors as values, not exceptions.
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

Timestamp Clock() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

Request ToRequest(const http::request<http::string_body>& message, const std::string& remote) {
  Request request;
  request.remote_address = remote;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [found, added] = request.headers.emplace(name, std::string(field.value()));
    if (!added) found->second += ", " + std::string(field.value());
  }
  request.body = message.body();
  return request;
}

http::response<http::string_body> ToMessage(Response response, unsigned version,
                                            const std::string& server_name) {
  http::response<http::string_body> message{static_cast<http::status>(response.status), version};
  message.reason(ReasonPhrase(response.status));
  message.set(http::field::server, server_name);
  if (!response.content_type.empty()) {
    message.set(http::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) message.set(name, value);
  message.body() = std::move(response.body);
  if (response.content_length) {
    message.content_length(*response.content_length);  // HEAD: the GET's length, no body.
  } else {
    message.prepare_payload();
  }
  return message;
}

// The response to a request Beast could not read; nothing when the
// connection just ended (closed, reset, timed out, cancelled).
std::optional<Response> ReadFailure(const beast::error_code& error) {
  if (error == http::error::body_limit) {
    return ErrorResponse(413, "too-large", "the request body is over the server's limit");
  }
  if (error == http::error::header_limit) {
    return ErrorResponse(431, "headers-too-large",
                         "the request line and header fields are over the server's limit");
  }
  if (error == http::error::end_of_stream || error == http::error::partial_message) {
    return std::nullopt;
  }
  if (error.category() == http::make_error_code(http::error::bad_method).category()) {
    return ErrorResponse(400, ErrorCodeName(ErrorCode::kInvalidArgument),
                         "malformed HTTP request: " + error.message());
  }
  return std::nullopt;
}

// The request line for the access log: as sent, or "-" before it was read.
std::string RequestLine(const http::request_parser<http::string_body>& parser) {
  if (!parser.is_header_done()) return "-";
  const auto& message = parser.get();
  return fmt::format("{} {} HTTP/{}.{}", std::string_view(message.method_string()),
                     std::string_view(message.target()), message.version() / 10,
                     message.version() % 10);
}

ApiOptions MakeApiOptions(const ServerOptions& options) {
  ApiOptions api;
  api.private_reads = options.private_reads;
  api.secure_cookies = options.base_url.starts_with("https://");
  api.body_limit = options.body_limit;
  return api;
}

// A connection as the shutdown sees it: one waiting for a request is closed
// at once, one answering finishes first.
struct Connection {
  beast::tcp_stream* stream = nullptr;
  bool idle = true;
};

// Keeps a connection in the server's set while its session runs.
class Registration {
 public:
  Registration(std::set<Connection*>& connections, Connection& connection)
      : connections_(connections), connection_(connection) {
    connections_.insert(&connection_);
  }
  ~Registration() { connections_.erase(&connection_); }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  std::set<Connection*>& connections_;
  Connection& connection_;
};

class Server {
 public:
  Server(const ServerOptions& options, std::ostream& log, WorkerPool& pool, Metrics& metrics)
      : options_(options),
        log_(log),
        pool_(pool),
        metrics_(metrics),
        cache_(options.cache_bytes),
        api_(&metrics, MakeApiOptions(options), &throttle_, &cache_) {}

  Result<void> Listen();
  // Serves until SIGTERM or SIGINT and every connection has ended.
  void Run();

 private:
  asio::awaitable<void> Accept();
  asio::awaitable<void> Session(tcp::socket socket);
  asio::awaitable<Response> Answer(const Request& request, std::string& route);
  asio::awaitable<Response> OnWorker(const Request& request, const Dispatch& dispatch);
  asio::awaitable<void> Drain(beast::tcp_stream& stream);
  void Stop();
  void Spawn(asio::awaitable<void> task);

  const ServerOptions& options_;
  std::ostream& log_;
  WorkerPool& pool_;
  Metrics& metrics_;
  LoginThrottle throttle_;  // Before api_, which points at it, as at cache_.
  ResponseCache cache_;
  Api api_;
  // One I/O thread: everything below is touched only from it.
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  asio::signal_set signals_{io_, SIGINT, SIGTERM};
  std::set<Connection*> connections_;
  bool stopping_ = false;
};

Result<void> Server::Listen() {
  beast::error_code error;
  auto address = asio::ip::make_address(options_.address, error);
  if (error) {
    return Fail(Error::InvalidArgument(fmt::format("'{}' is not an IP address", options_.address)));
  }
  tcp::endpoint endpoint(address, options_.port);
  std::string where = address.is_v6() ? fmt::format("[{}]:{}", options_.address, options_.port)
                                      : fmt::format("{}:{}", options_.address, options_.port);
  acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return Fail(Error::IoError(fmt::format("cannot listen on {}: {}", where, error.message())));
  }
  tcp::endpoint bound = acceptor_.local_endpoint(error);
  std::string url = address.is_v6()
                        ? fmt::format("http://[{}]:{}/", bound.address().to_string(), bound.port())
                        : fmt::format("http://{}:{}/", bound.address().to_string(), bound.port());
  log_ << fmt::format("stocktake serve: listening on {}{} ({} database worker{})", url,
                      options_.base_url.empty() ? "" : ", served as " + options_.base_url,
                      pool_.size(), pool_.size() == 1 ? "" : "s")
       << std::endl;
  return Ok();
}

void Server::Run() {
  signals_.async_wait([this](const beast::error_code& error, int) {
    if (!error) Stop();
  });
  Spawn(Accept());
  io_.run();
  log_ << "stocktake serve: stopped" << std::endl;
}

void Server::Spawn(asio::awaitable<void> task) {
  asio::co_spawn(io_, std::move(task), [this](const std::exception_ptr& failure) {
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& error) {
      log_ << "stocktake serve: error: a connection failed: " << error.what() << std::endl;
    }
  });
}

void Server::Stop() {
  log_ << "stocktake serve: stopping: finishing the requests in flight" << std::endl;
  stopping_ = true;
  beast::error_code ignored;
  // A second signal ends the process at once, as with no handler.
  signals_.clear(ignored);
  acceptor_.close(ignored);
  for (Connection* connection : connections_) {
    if (connection->idle) connection->stream->cancel();
  }
}

asio::awaitable<void> Server::Accept() {
  for (;;) {
    auto [error, socket] = co_await acceptor_.async_accept(kNoThrow);
    if (stopping_) co_return;
    if (error) {
      // Out of file descriptors, say: wait a moment rather than spin.
      log_ << "stocktake serve: accept: " << error.message() << std::endl;
      asio::steady_timer pause(io_, std::chrono::milliseconds(100));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    Spawn(Session(std::move(socket)));
  }
}

asio::awaitable<void> Server::Session(tcp::socket socket) {
  beast::error_code ignored;
  std::string remote = socket.remote_endpoint(ignored).address().to_string();
  beast::tcp_stream stream(std::move(socket));
  Connection connection{&stream};
  Registration registration(connections_, connection);
  beast::flat_buffer buffer;
  bool keep_alive = true;
  while (keep_alive && !stopping_) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(kHeaderLimit));
    parser.body_limit(options_.body_limit);
    stream.expires_after(options_.timeout);
    connection.idle = true;
    auto [error, read] = co_await http::async_read(stream, buffer, parser, kNoThrow);
    connection.idle = false;
    auto started = std::chrono::steady_clock::now();
    AccessRecord record{remote, Clock(), RequestLine(parser)};
    std::string route = kUnmatchedRoute;
    Response response;
    unsigned version = 11;
    if (error) {
      std::optional<Response> failure = ReadFailure(error);
      if (!failure || stopping_) break;
      response = std::move(*failure);
      keep_alive = false;  // The rest of the stream cannot be framed.
    } else {
      metrics_.RequestStarted();
      response = co_await Answer(ToRequest(parser.get(), remote), route);
      metrics_.RequestFinished();
      keep_alive = parser.get().keep_alive();
      version = parser.get().version();
    }
    if (!response.log_detail.empty()) {
      log_ << "stocktake serve: error: " << EscapeLogText(record.request_line) << ": "
           << EscapeLogText(response.log_detail) << std::endl;
    }
    auto message = ToMessage(std::move(response), version, options_.server_name);
    message.keep_alive(keep_alive && !stopping_);
    record.status = message.result_int();
    record.bytes = message.body().size();
    stream.expires_after(options_.timeout);
    auto [write_error, written] = co_await http::async_write(stream, message, kNoThrow);
    std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - started;
    metrics_.Record(route, record.status, seconds.count());
    log_ << CommonLogLine(record) << '\n' << std::flush;
    if (write_error) break;
    if (error) co_await Drain(stream);
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// After refusing a request whose body was not read (413), reads and drops
// what the client still sends for a moment before closing: closing with
// unread bytes resets the connection, and the client could lose the answer.
asio::awaitable<void> Server::Drain(beast::tcp_stream& stream) {
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.expires_after(std::chrono::seconds(2));
  std::array<char, 16 * 1024> scratch;
  for (std::size_t dropped = 0; dropped < options_.body_limit + kHeaderLimit;) {
    auto [error, read] = co_await stream.async_read_some(asio::buffer(scratch), kNoThrow);
    if (error) break;
    dropped += read;
  }
}

asio::awaitable<Response> Server::Answer(const Request& request, std::string& route) {
  Dispatch dispatch = api_.Route(request);
  route = dispatch.route;
  if (dispatch.answer || !dispatch.needs_store) {
    co_return api_.Run(request, dispatch, nullptr, Clock());
  }
  co_return co_await OnWorker(request, dispatch);
}

// Runs the dispatch on a worker and resumes on the I/O thread with its
// response. The pending completion counts as work, so io_.run() does not
// return while a worker is still answering.
asio::awaitable<Response> Server::OnWorker(const Request& request, const Dispatch& dispatch) {
  auto initiate = [this, &request, &dispatch](auto handler) {
    auto executor = asio::prefer(asio::get_associated_executor(handler),
                                 asio::execution::outstanding_work.tracked);
    auto waiting = std::make_shared<decltype(handler)>(std::move(handler));
    metrics_.JobQueued();
    pool_.Submit([this, &request, &dispatch, executor, waiting](Store& store) {
      metrics_.JobStarted();
      Response response;
      try {
        response = api_.Run(request, dispatch, &store, Clock());
      } catch (const std::exception& error) {
        response = ErrorResponse(Error::Internal(error.what()));
      }
      metrics_.JobFinished();
      asio::post(executor, [waiting, response = std::move(response)]() mutable {
        (*waiting)(std::move(response));
      });
    });
  };
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(Response)>(initiate,
                                                                              asio::use_awaitable);
}

}  // namespace

Result<void> Serve(const ServerOptions& options, std::ostream& log) {
  if (!options.base_url.empty()) ST_TRY(CheckBaseUrl(options.base_url));
  Metrics metrics;
  // Declared before the server, so destroyed after it: by then every job has
  // been answered, and the destructor only joins the workers.
  std::unique_ptr<WorkerPool> pool = ST_TRY(WorkerPool::Open(
      options.workers, [&options] { return OpenStore(options.database, options.store); }));
  metrics.SetPoolSize(static_cast<std::int64_t>(pool->size()));
  Server server(options, log, *pool, metrics);
  ST_TRY(server.Listen());
  server.Run();
  return Ok();
}

}  // namespace stocktake::server
