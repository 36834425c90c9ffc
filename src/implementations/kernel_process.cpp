#include "implementations/kernel_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>  // fmt::format

#include "implementations/plugin_implementation.hpp"
#include "implementations/user_kernels.hpp"
#include "io/errors.hpp"

namespace gelucheck {
namespace {

// The descriptor of the worker's end of its socket.
constexpr int kWorkerFd = 3;
// Largest batch a worker takes (the engine's slices are 2048 inputs; finite-difference stencils
// ask for 5 per input).
constexpr uint32_t kMaxBatch = 1u << 20;

// What a worker is asked to grade: indices of the input and output formats in all_formats and
// the scale's float bits (format_pair makes the graded format from them).
struct FormatRequest {
  uint32_t in, out, scale;
};

std::atomic<bool> isolated{false};
std::atomic<double> timeout_seconds{kDefaultKernelTimeoutSeconds};
std::string executable;  // set once, before any worker starts

bool write_all(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= size_t(k);
  }
  return true;
}

// Reads n bytes (the worker's side: blocking).
bool read_all(int fd, void* data, size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t k = read(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= size_t(k);
  }
  return true;
}

enum class ReadResult { ok, closed, timed_out };

// Reads n bytes before the deadline (gelucheck's side).
ReadResult read_before(int fd, void* data, size_t n, std::chrono::steady_clock::time_point end) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          end - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return ReadResult::timed_out;
    pollfd pfd{fd, POLLIN, 0};
    const int r = poll(&pfd, 1, int(std::min<long long>(left, INT_MAX)));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return ReadResult::closed;
    if (r == 0) continue;  // the loop sees the deadline
    const ssize_t k = read(fd, p, n);
    if (k < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (k <= 0) return ReadResult::closed;
    p += k;
    n -= size_t(k);
  }
  return ReadResult::ok;
}

std::chrono::steady_clock::time_point deadline() {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             std::chrono::duration<double>(timeout_seconds.load()));
}

struct Worker {
  pid_t pid = -1;
  int fd = -1;
};

// Ends a worker and says how it ended: "crashed (signal 11, SIGSEGV)", "exited with status 0".
std::string reap(Worker& w, bool kill_it) {
  if (w.fd >= 0) close(w.fd);
  w.fd = -1;
  if (w.pid <= 0) return "ended";
  if (kill_it) kill(w.pid, SIGKILL);
  int status = 0;
  pid_t r;
  while ((r = waitpid(w.pid, &status, 0)) < 0 && errno == EINTR) {
  }
  w.pid = -1;
  if (r < 0) return "ended";
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    return fmt::format("crashed (signal {}{}{})", sig, name ? ", SIG" : "", name ? name : "");
  }
  return fmt::format("exited with status {}", WEXITSTATUS(status));
}

class WorkerPool {
 public:
  explicit WorkerPool(std::string argument) : argument_(std::move(argument)) {}
  ~WorkerPool() {
    for (Worker& w : idle_) reap(w, true);
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // An idle worker, or a new one. Throws UsageError when a new one cannot load the plugin,
  // KernelFailure when it cannot start.
  Worker take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        Worker w = idle_.back();
        idle_.pop_back();
        return w;
      }
    }
    return spawn();
  }
  void give_back(Worker w) {
    std::lock_guard lock(mutex_);
    idle_.push_back(w);
  }

  // y = kernel(x) in format all_formats[format_index], in a worker. Throws KernelFailure naming
  // the input when the kernel crashes, exits or hangs.
  void evaluate(const FormatRequest& request, std::span<const uint32_t> x, std::span<uint32_t> y,
                const std::string& name) {
    std::string failure;
    Worker w = take();
    if (exchange(w, request, x, y, failure)) {
      give_back(w);
      return;
    }
    const Format& f = *all_formats[request.in];  // x is an input
    // Again one input at a time, in fresh workers, to find the input.
    for (size_t i = 0; i < x.size() && x.size() > 1; ++i) {
      Worker v = take();
      std::string one;
      if (!exchange(v, request, x.subspan(i, 1), y.subspan(i, 1), one))
        throw KernelFailure(fmt::format("{}: the kernel {} at input x = {} ({})", name, one,
                                        to_shortest_decimal(f, x[i]), to_hex_bits(f, x[i])));
      give_back(v);
    }
    throw KernelFailure(fmt::format(
        "{}: the kernel {} at input x = {} ({}){}", name, failure, to_shortest_decimal(f, x[0]),
        to_hex_bits(f, x[0]),
        x.size() > 1 ? fmt::format(", in a batch of {} inputs starting there (one at a time, "
                                   "each input passed)",
                                   x.size())
                     : ""));
  }

 private:
  // One request; on failure the worker is ended and `failure` says how.
  bool exchange(Worker& w, const FormatRequest& request, std::span<const uint32_t> x,
                std::span<uint32_t> y, std::string& failure) {
    const uint32_t header[4] = {request.in, request.out, request.scale, uint32_t(x.size())};
    const bool sent =
        write_all(w.fd, header, sizeof header) && write_all(w.fd, x.data(), x.size_bytes());
    const ReadResult r =
        sent ? read_before(w.fd, y.data(), y.size_bytes(), deadline()) : ReadResult::closed;
    if (r == ReadResult::ok) return true;
    if (r == ReadResult::timed_out) {
      reap(w, true);
      failure =
          fmt::format("hung (no result after {} s; --kernel-timeout)", timeout_seconds.load());
    } else {
      failure = reap(w, false);
    }
    return false;
  }

  Worker spawn() {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
      throw KernelFailure(fmt::format("plugin:{}: cannot start a worker process: {}", argument_,
                                      std::strerror(errno)));
    const std::string timeout = fmt::format("{}", timeout_seconds.load());
    const std::string marker(kKernelWorkerArgument);
    char* const argv[] = {const_cast<char*>(executable.c_str()), const_cast<char*>(marker.c_str()),
                          const_cast<char*>(argument_.c_str()), const_cast<char*>(timeout.c_str()),
                          nullptr};
    const pid_t pid = fork();
    if (pid == 0) {
      // Only async-signal-safe calls until exec: this process may have other threads.
      if (dup2(sv[1], kWorkerFd) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) _exit(127);
      signal(SIGINT, SIG_IGN);
      signal(SIGTERM, SIG_IGN);
      execv(argv[0], argv);
      _exit(127);
    }
    const int e = errno;
    close(sv[1]);
    if (pid < 0) {
      close(sv[0]);
      throw KernelFailure(
          fmt::format("plugin:{}: cannot start a worker process: {}", argument_, std::strerror(e)));
    }
    Worker w{pid, sv[0]};
    // The worker's first word: 0 when the plugin is loaded, else the length of its error.
    uint32_t length = 0;
    if (read_before(w.fd, &length, sizeof length, deadline()) != ReadResult::ok) {
      const std::string how = reap(w, true);
      throw KernelFailure(
          fmt::format("plugin:{}: the worker process {} while loading the plugin", argument_, how));
    }
    if (length != 0) {
      std::string message(std::min<uint32_t>(length, 4096), '\0');
      (void)read_before(w.fd, message.data(), message.size(), deadline());
      reap(w, true);
      throw UsageError(message);
    }
    return w;
  }

  std::string argument_;
  std::mutex mutex_;
  std::vector<Worker> idle_;
};

uint32_t format_index(const Format& f) {
  for (size_t i = 0; i < std::size(all_formats); ++i)
    if (all_formats[i] == &f) return uint32_t(i);
  throw std::logic_error("a format outside all_formats");
}

FormatRequest format_request(const Format& f) {
  return {format_index(f.in()), format_index(f.out()),
          std::bit_cast<uint32_t>(static_cast<float>(f.scale))};
}

// The graded format a request names; nullptr when it names none.
const Format* requested_format(const FormatRequest& r) {
  if (r.in >= std::size(all_formats) || r.out >= std::size(all_formats)) return nullptr;
  const float scale = std::bit_cast<float>(r.scale);
  if (!(scale > 0) || !std::isfinite(scale)) return nullptr;
  return &format_pair(*all_formats[r.in], *all_formats[r.out], scale);
}

// An implementation of the plugin's kind over a kernel that is never called: it says which
// formats the kind takes.
Implementation shape_of(PluginKind kind) {
  switch (kind) {
    case PluginKind::bits16:
      return implementation_from_bits16_kernel("", [](const uint16_t*, uint16_t*, size_t) {});
    case PluginKind::bits8:
      return implementation_from_bits8_kernel("", [](const uint8_t*, uint8_t*, size_t, float) {});
    case PluginKind::bits16to8:
      return implementation_from_bits16to8_kernel("",
                                                  [](const uint16_t*, uint8_t*, size_t, float) {});
    case PluginKind::batch32:
      return implementation_from_batch32_kernel("", [](const float*, float*, size_t) {});
    case PluginKind::scalar_float:
      break;
  }
  return implementation_from_float_function("", [](float x) { return x; });
}

}  // namespace

void isolate_plugin_kernels(double seconds) {
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return;  // no way to start a worker: kernels stay in process
  executable.assign(buf, size_t(n));
  timeout_seconds = seconds;
  isolated = true;
}

bool plugin_kernels_isolated() { return isolated.load(); }

Implementation isolated_plugin_implementation(std::string_view argument, std::string summary) {
  const PluginName parsed = parse_plugin_name(argument);
  auto pool = std::make_shared<WorkerPool>(std::string(argument));
  pool->give_back(pool->take());  // loads the plugin once now: a bad one is refused before work
  Implementation impl;
  impl.name = fmt::format("plugin:{}", argument);
  impl.summary = std::move(summary);
  impl.used_in = "a user's kernel plugin";
  const std::string name = impl.name;
  // Which formats the kernel takes: the same implementation made in this process, which the
  // worker makes too (it never calls the kernel here).
  auto shape = std::make_shared<Implementation>(shape_of(parsed.kind));
  impl.kernel_for = [pool, name, shape](Function fn, const Format& f,
                                        const Domain*) -> BatchKernel {
    if (!shape->kernel_for(fn, f, nullptr)) return {};
    const FormatRequest request = format_request(f);
    return [pool, request, name](std::span<const uint32_t> x, std::span<uint32_t> y) {
      for (size_t at = 0; at < x.size(); at += kMaxBatch) {
        const size_t n = std::min<size_t>(kMaxBatch, x.size() - at);
        pool->evaluate(request, x.subspan(at, n), y.subspan(at, n), name);
      }
    };
  };
  return impl;
}

int run_kernel_worker(int argc, char** argv) {
  const int fd = kWorkerFd;
  if (argc != 4) return 2;
  const double timeout = std::strtod(argv[3], nullptr);
  Implementation impl;
  try {
    impl = load_plugin_in_process(argv[2]);
  } catch (const std::exception& e) {
    const std::string message = e.what();
    const uint32_t length = uint32_t(std::max<size_t>(1, std::min<size_t>(message.size(), 4096)));
    write_all(fd, &length, sizeof length);
    write_all(fd, message.data(), length);
    return 0;
  }
  const uint32_t ready = 0;
  if (!write_all(fd, &ready, sizeof ready)) return 0;
  std::map<const Format*, BatchKernel> kernels;
  std::vector<uint32_t> x, y;
  const Function any = all_functions().front();  // a user kernel is one function, whichever
  const unsigned alarm_seconds = unsigned(std::ceil(2 * timeout)) + 1;
  for (;;) {
    // The graded format (input, output, scale as float bits) and the number of inputs.
    uint32_t header[4];
    if (!read_all(fd, header, sizeof header)) _exit(0);  // gelucheck is done (or gone)
    const FormatRequest request{header[0], header[1], header[2]};
    const uint32_t n = header[3];
    const Format* f = requested_format(request);
    if (!f || n > kMaxBatch) _exit(2);
    x.resize(n);
    y.assign(n, 0);
    if (!read_all(fd, x.data(), n * sizeof(uint32_t))) _exit(0);
    BatchKernel& k = kernels[f];
    if (!k) k = impl.kernel_for(any, *f, nullptr);
    if (!k) _exit(2);
    alarm(alarm_seconds);  // a kernel that never returns ends this process, not the machine
    k(x, y);
    alarm(0);
    if (!write_all(fd, y.data(), n * sizeof(uint32_t))) _exit(0);
  }
}

}  // namespace gelucheck
