#pragma once
// The event kernel: logical processes (LPs), their pending events, and a
// conservative, window-based parallel scheduler. It knows nothing about blood.
//
// A model is a type with
//   using State = ...;   // one LP's state, owned by the LP
//   using Event = ...;   // the payload of an event (copyable, ideally trivially)
//   void handle(Context<Model>&, State&, const Event&) const;
// `handle` may read the model (shared, immutable during a run), change the LP's
// own state, draw from the LP's random stream, schedule events to itself and
// send events to other LPs at least `lookahead` ticks into the future.
//
// Determinism. Events of one LP are processed in the total order
// (time, sender, sender's sequence number), which no thread timing can change;
// each LP draws from its own counter-based stream derived from (seed, LP id).
// So the results are bit-identical for any thread count.
//
// Scheduling. Let T be the earliest pending event anywhere. Every LP may run
// its events below T + lookahead without waiting for anyone, because nothing
// another LP sends from now on can arrive earlier than that. Each window runs
// all LPs in parallel (oneTBB), messages to other LPs go to the target's inbox,
// and the barrier at the end of the window computes the next T. (With one
// thread they wait in one list and go into their targets' heaps when the
// window ends.)
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kernel/random.hpp"
#include "kernel/time.hpp"

namespace giotmau::kernel {

// A model sent an event that breaks the rules of the kernel (too close in the
// future for another LP, in the past, or beyond the tick range).
class SchedulingError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

struct KernelConfig {
  Tick lookahead = 1;        // minimum delay of an event sent to another LP, >= 1
  std::uint64_t seed = 1;    // root of every LP's random stream
  unsigned threads = 1;      // worker threads; 1 runs without any task scheduler
};

struct RunStatistics {
  std::uint64_t events_processed = 0;
  std::uint64_t remote_events = 0;  // events sent to another LP
  std::uint64_t windows = 0;
  Tick now = 0;
};

template <class Model>
class Simulation;

// What a handler sees of the kernel while it handles one event.
template <class Model>
class Context {
 public:
  using Event = typename Model::Event;

  Tick now() const noexcept { return now_; }
  LpId self() const noexcept { return self_; }
  Tick lookahead() const noexcept { return sim_.config_.lookahead; }
  RandomStream& random() noexcept { return sim_.lps_[self_].random; }

  // An event to this LP, `delay` >= 0 ticks from now.
  void schedule(Tick delay, Event event) { sim_.deliver(*this, self_, delay, std::move(event)); }
  // An event to any LP; to another LP `delay` must be at least the lookahead.
  void send(LpId target, Tick delay, Event event) {
    sim_.deliver(*this, target, delay, std::move(event));
  }

 private:
  friend class Simulation<Model>;
  Context(Simulation<Model>& sim, LpId self) : sim_(sim), self_(self) {}

  Simulation<Model>& sim_;
  LpId self_;
  Tick now_ = 0;
  Tick earliest_sent_ = kNever;  // earliest event this LP sent elsewhere in this window
  std::uint64_t remote_sent_ = 0;
};

template <class Model>
class Simulation {
 public:
  using State = typename Model::State;
  using Event = typename Model::Event;

  Simulation(Model model, std::vector<State> states, KernelConfig config)
      : model_(std::move(model)), config_(config), arena_(static_cast<int>(std::max(1u, config.threads))) {
    if (config_.lookahead < 1) throw SchedulingError("kernel: lookahead must be at least 1 tick");
    if (config_.threads < 1) throw SchedulingError("kernel: threads must be at least 1");
    if (states.size() >= kMaxLps) throw SchedulingError("kernel: too many logical processes");
    lps_ = std::vector<LogicalProcess>(states.size());
    inboxes_ = std::vector<Inbox>(states.size());
    for (LpId id = 0; id < states.size(); ++id) {
      lps_[id].state = std::move(states[id]);
      lps_[id].random = RandomStream(config_.seed, mix64(0x6C70u /* "lp" */, id));
    }
  }

  // Schedules an event from outside the model (initial conditions, external
  // inputs). `time` must not be earlier than now().
  void schedule(LpId target, Tick time, Event event) {
    check_target(target, "schedule");
    if (time < now_) {
      throw SchedulingError("kernel: cannot schedule an event at tick " + std::to_string(time) +
                            " for LP " + std::to_string(target) + ": the simulation is already at tick " +
                            std::to_string(now_));
    }
    push(lps_[target], time, order_key(kExternalSender, external_sequence_++), std::move(event));
  }

  // Processes every event with time < `end`, then stands at `end`. Events at or
  // after `end` stay pending for a later call.
  RunStatistics run_until(Tick end) {
    if (end < now_) {
      throw SchedulingError("kernel: cannot run back to tick " + std::to_string(end) +
                            " from tick " + std::to_string(now_));
    }
    Tick next = earliest_pending();
    while (next < end) {
      const Tick window_end = std::min(end, saturating_add(next, config_.lookahead));
      next = config_.threads == 1 ? run_window_sequential(window_end) : run_window_parallel(window_end);
      ++stats_.windows;
    }
    now_ = end;
    stats_.now = now_;
    return stats_;
  }

  Tick now() const noexcept { return now_; }
  std::size_t lp_count() const noexcept { return lps_.size(); }
  const Model& model() const noexcept { return model_; }
  const KernelConfig& config() const noexcept { return config_; }
  const RunStatistics& statistics() const noexcept { return stats_; }
  const State& state(LpId id) const { return lps_.at(id).state; }
  // For taking results out of an LP once the run is over.
  State& state(LpId id) { return lps_.at(id).state; }
  std::uint64_t events_processed(LpId id) const { return lps_.at(id).events_processed; }
  std::size_t pending_events(LpId id) const { return lps_.at(id).heap.size() + inboxes_.at(id).size(); }
  // Whether events wait in a slab apart from the heap (large payloads).
  static constexpr bool payloads_apart() noexcept { return kPayloadsApart; }

  // A hash of every event processed so far (time and order key, per LP, in
  // processing order). Equal hashes mean the same events in the same order.
  std::uint64_t trace_hash() const noexcept {
    std::uint64_t h = 0;
    for (const auto& lp : lps_) h = mix64(h, lp.trace_hash);
    return h;
  }

 private:
  friend class Context<Model>;

  // The order key packs the sender (24 bits, 0 = outside the model) and the
  // sender's sequence number (40 bits) so that ties in time break the same way
  // on every run.
  static constexpr unsigned kSequenceBits = 40;
  static constexpr std::uint64_t kExternalSender = 0;
  static constexpr std::size_t kMaxLps = (std::size_t{1} << (64 - kSequenceBits)) - 1;

  struct PendingEvent {
    Tick time;
    std::uint64_t order;
    // An empty payload (PHOLD's) takes no room: 16 bytes an event, four to a
    // cache line, instead of 24.
    [[no_unique_address]] Event payload;
  };
  // A large payload (the blood model's orders and shipments: hundreds of
  // bytes) waits in its LP's slab, and the heap orders only its time, order
  // key and slot: sifting moves 24 bytes instead of the whole event, and the
  // payload is moved twice in all (in and out). A small one (PHOLD's) stays in
  // the heap, where the slab's indirection would cost more than it saves.
  static constexpr bool kPayloadsApart = sizeof(Event) > 48;
  struct SlotKey {
    Tick time;
    std::uint64_t order;
    std::uint32_t slot;
  };
  using HeapEntry = std::conditional_t<kPayloadsApart, SlotKey, PendingEvent>;
  // "Later than": std::push_heap builds a max-heap, so this makes a min-heap.
  struct Later {
    bool operator()(const HeapEntry& a, const HeapEntry& b) const noexcept {
      return a.time != b.time ? a.time > b.time : a.order > b.order;
    }
  };
  // Slab of payloads apart from the heap; slots reused once handled.
  struct PayloadSlab {
    std::vector<Event> payloads;
    std::vector<std::uint32_t> free;
  };
  struct NoSlab {};

  // Events other LPs sent during the current window; taken into the heap at
  // the start of the owner's next window. One cache line each, so that
  // threads filling neighbouring inboxes do not share a line.
  class alignas(64) Inbox {
   public:
    void put(PendingEvent&& e) {
      while (lock_.test_and_set(std::memory_order_acquire)) {
      }
      items_.push_back(std::move(e));
      lock_.clear(std::memory_order_release);
    }
    template <class Sink>
    void drain(Sink&& sink) {
      while (lock_.test_and_set(std::memory_order_acquire)) {
      }
      std::swap(items_, draining_);
      lock_.clear(std::memory_order_release);
      for (auto& e : draining_) sink(std::move(e));
      draining_.clear();
    }
    std::size_t size() const noexcept { return items_.size(); }

   private:
    std::atomic_flag lock_ = ATOMIC_FLAG_INIT;
    std::vector<PendingEvent> items_;
    std::vector<PendingEvent> draining_;
  };

  // What an LP touches for every event: with PHOLD's 16-byte state, 112
  // bytes in two cache lines. Its inbox lives apart (inboxes_): only several
  // threads use it, and at 65,536 LPs its lock and two vectors made the record
  // three lines instead of two.
  struct alignas(64) LogicalProcess {
    State state{};
    std::vector<HeapEntry> heap;
    [[no_unique_address]] std::conditional_t<kPayloadsApart, PayloadSlab, NoSlab> slab;
    RandomStream random;
    std::uint64_t next_sequence = 0;
    std::uint64_t events_processed = 0;
    std::uint64_t trace_hash = 0;
  };

  static std::uint64_t order_key(std::uint64_t sender_plus_one, std::uint64_t sequence) {
    return (sender_plus_one << kSequenceBits) | sequence;
  }
  static Tick saturating_add(Tick a, Tick b) { return a > kNever - b ? kNever : a + b; }

  static void push(LogicalProcess& lp, Tick time, std::uint64_t order, Event&& payload) {
    if constexpr (kPayloadsApart) {
      std::uint32_t slot;
      if (lp.slab.free.empty()) {
        slot = static_cast<std::uint32_t>(lp.slab.payloads.size());
        lp.slab.payloads.push_back(std::move(payload));
      } else {
        slot = lp.slab.free.back();
        lp.slab.free.pop_back();
        lp.slab.payloads[slot] = std::move(payload);
      }
      lp.heap.push_back(SlotKey{time, order, slot});
    } else {
      lp.heap.push_back(PendingEvent{time, order, std::move(payload)});
    }
    std::push_heap(lp.heap.begin(), lp.heap.end(), Later{});
  }
  static void push(LogicalProcess& lp, PendingEvent&& e) { push(lp, e.time, e.order, std::move(e.payload)); }

  // Checked on every event: the test inline, the message out of line.
  void check_target(LpId target, const char* what) const {
    if (target >= lps_.size()) [[unlikely]] no_such_target(target, what);
  }
  [[noreturn, gnu::cold, gnu::noinline]] void no_such_target(LpId target, const char* what) const {
    throw SchedulingError(std::string("kernel: ") + what + " to LP " + std::to_string(target) +
                          ", but there are only " + std::to_string(lps_.size()) + " LPs");
  }

  void deliver(Context<Model>& ctx, LpId target, Tick delay, Event&& event) {
    check_target(target, "send");
    if (delay < 0) {
      throw SchedulingError("kernel: LP " + std::to_string(ctx.self_) + " at tick " + std::to_string(ctx.now_) +
                            " scheduled an event " + std::to_string(-delay) + " ticks in the past");
    }
    if (delay > kNever - ctx.now_) {
      throw SchedulingError("kernel: LP " + std::to_string(ctx.self_) + " scheduled an event beyond the tick range");
    }
    LogicalProcess& sender = lps_[ctx.self_];
    const Tick time = ctx.now_ + delay;
    const std::uint64_t order = order_key(ctx.self_ + 1u, sender.next_sequence++);
    if (target == ctx.self_) {
      push(sender, time, order, std::move(event));
      return;
    }
    if (delay < config_.lookahead) {
      throw SchedulingError("kernel: lookahead violation: LP " + std::to_string(ctx.self_) + " at tick " +
                            std::to_string(ctx.now_) + " sent an event to LP " + std::to_string(target) +
                            " with a delay of " + std::to_string(delay) +
                            " ticks; events to another LP must be at least the lookahead (" +
                            std::to_string(config_.lookahead) + " ticks) in the future");
    }
    ctx.earliest_sent_ = std::min(ctx.earliest_sent_, time);
    ++ctx.remote_sent_;
    // With one thread nobody else touches the target, and the event lies beyond
    // this window, so it waits in one list and goes into the target's heap
    // when the window ends (flush_outbox).
    if (config_.threads == 1) {
      outbox_.push_back(Outgoing{target, PendingEvent{time, order, std::move(event)}});
    } else {
      inboxes_[target].put(PendingEvent{time, order, std::move(event)});
    }
  }

  // Runs one LP's events below `window_end` (its inbox already drained, or
  // empty); returns the earliest time this LP still has pending or has sent
  // elsewhere during the window.
  Tick run_lp(LpId id, Tick window_end, std::uint64_t& processed, std::uint64_t& remote) {
    LogicalProcess& lp = lps_[id];
    Context<Model> ctx(*this, id);
    std::uint64_t count = 0;
    while (!lp.heap.empty() && lp.heap.front().time < window_end) {
      std::pop_heap(lp.heap.begin(), lp.heap.end(), Later{});
      HeapEntry e = std::move(lp.heap.back());
      lp.heap.pop_back();
      ctx.now_ = e.time;
      lp.trace_hash = (lp.trace_hash ^ static_cast<std::uint64_t>(e.time)) * 0x100000001B3ULL;
      lp.trace_hash = (lp.trace_hash ^ e.order) * 0x100000001B3ULL;
      if constexpr (kPayloadsApart) {
        // Out of the slab before handling: the handler's own events may grow it.
        const Event payload = std::move(lp.slab.payloads[e.slot]);
        lp.slab.free.push_back(e.slot);
        model_.handle(ctx, lp.state, payload);
      } else {
        model_.handle(ctx, lp.state, e.payload);
      }
      ++count;
    }
    lp.events_processed += count;
    processed += count;
    remote += ctx.remote_sent_;
    const Tick own_next = lp.heap.empty() ? kNever : lp.heap.front().time;
    return std::min(own_next, ctx.earliest_sent_);
  }

  // A window runs the LPs in order. Each heap is its own allocation, and even
  // the records, read in order, came late at 65,536 LPs (a miss per LP per
  // window for each): ask for a later LP's record, and for the heap of a
  // nearer one (both ends: popping reads the root and moves the last event),
  // so that they are in cache by the time that LP runs. `end`: one past the
  // last LP of this run.
  void prefetch_ahead(std::size_t id, std::size_t end) const {
    constexpr std::size_t kRecordAhead = 16, kHeapAhead = 4;
    if (id + kRecordAhead < end) __builtin_prefetch(&lps_[id + kRecordAhead]);
    if (id + kHeapAhead < end) {
      const auto& heap = lps_[id + kHeapAhead].heap;
      __builtin_prefetch(heap.data());
      if (!heap.empty()) __builtin_prefetch(&heap.back());
    }
  }

  // One thread: events to other LPs wait in outbox_, not in the inboxes, so
  // the inboxes stay empty and are not visited: at 65,536 LPs their lock and
  // vectors were a cache miss per LP per window.
  Tick run_window_sequential(Tick window_end) {
    Tick next = kNever;
    std::uint64_t processed = 0;
    std::uint64_t remote = 0;
    const LpId n = static_cast<LpId>(lps_.size());
    for (LpId id = 0; id < n; ++id) {
      prefetch_ahead(id, n);
      next = std::min(next, run_lp(id, window_end, processed, remote));
    }
    flush_outbox();
    stats_.events_processed += processed;
    stats_.remote_events += remote;
    return next;
  }

  // Pushes the window's events to other LPs into their heaps. The targets are
  // random, so each push touches two lines that are likely not in cache (the
  // target's record and the end of its heap); pushed one by one inside the
  // handlers they were paid one after the other (at 65,536 LPs a third of the
  // run). Here the lines of later pushes are requested ahead, so that several
  // misses are in flight at once.
  void flush_outbox() {
    constexpr std::size_t kRecordAhead = 16, kHeapAhead = 8;
    const std::size_t n = outbox_.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (i + kRecordAhead < n) __builtin_prefetch(&lps_[outbox_[i + kRecordAhead].target]);
      if (i + kHeapAhead < n) {
        const auto& heap = lps_[outbox_[i + kHeapAhead].target].heap;
        __builtin_prefetch(heap.data() + heap.size(), 1);  // where the event goes
        if (!heap.empty()) __builtin_prefetch(heap.data() + (heap.size() - 1) / 2);  // its parent
      }
      Outgoing& out = outbox_[i];
      push(lps_[out.target], std::move(out.event));
    }
    outbox_.clear();
  }

  struct WindowResult {
    Tick next = kNever;
    std::uint64_t processed = 0;
    std::uint64_t remote = 0;
  };

  Tick run_window_parallel(Tick window_end) {
    const std::size_t n = lps_.size();
    // A static split gives each thread the same LPs every window, so their
    // heaps stay in that core's cache (measured: 1.22x on 2 threads for PHOLD,
    // against 1.18x with dynamic chunks; no difference for the blood model).
    const std::size_t grain = std::max<std::size_t>(1, n / (std::size_t{config_.threads} * 16));
    const WindowResult result = arena_.execute([&] {
      return tbb::parallel_reduce(
          tbb::blocked_range<std::size_t>(0, n, grain), WindowResult{},
          [&](const tbb::blocked_range<std::size_t>& range, WindowResult acc) {
            for (std::size_t id = range.begin(); id != range.end(); ++id) {
              prefetch_ahead(id, range.end());
              LogicalProcess& lp = lps_[id];
              inboxes_[id].drain([&lp](PendingEvent&& e) { push(lp, std::move(e)); });
              acc.next = std::min(acc.next, run_lp(static_cast<LpId>(id), window_end, acc.processed, acc.remote));
            }
            return acc;
          },
          [](WindowResult a, const WindowResult& b) {
            return WindowResult{std::min(a.next, b.next), a.processed + b.processed, a.remote + b.remote};
          },
          tbb::static_partitioner{});
    });
    stats_.events_processed += result.processed;
    stats_.remote_events += result.remote;
    return result.next;
  }

  Tick earliest_pending() {
    Tick next = kNever;
    for (LpId id = 0; id < lps_.size(); ++id) {
      LogicalProcess& lp = lps_[id];
      inboxes_[id].drain([&lp](PendingEvent&& e) { push(lp, std::move(e)); });
      if (!lp.heap.empty()) next = std::min(next, lp.heap.front().time);
    }
    return next;
  }

  Model model_;
  KernelConfig config_;
  tbb::task_arena arena_;
  std::vector<LogicalProcess> lps_;
  std::vector<Inbox> inboxes_;  // one per LP, same index
  struct Outgoing {
    LpId target;
    PendingEvent event;
  };
  std::vector<Outgoing> outbox_;  // one thread: this window's events to other LPs
  std::uint64_t external_sequence_ = 0;
  Tick now_ = 0;
  RunStatistics stats_;
};

}  // namespace giotmau::kernel
