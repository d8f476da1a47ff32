package dev.flagrelay.stress;

/** What a race looks like from the outside; each scenario names the ones it hunts. */
public enum Symptom {
  /** A request carried a header that belongs to another request, or lost one of its own. */
  FOREIGN_HEADER,
  /** A plain map was read while another thread wrote it (Go: "concurrent map writes"). */
  CONCURRENT_MODIFICATION,
  /** The body sent to the relay and the cache key came from different views of the context. */
  BODY_KEY_MISMATCH,
  /** More than one relay call for one key in one generation. */
  DUPLICATE_RELAY_CALL,
  /** An answer from before an invalidation was served after it. */
  STALE_AFTER_INVALIDATION,
  /** Scenario 10 (its own harness reports it by name): a handler of a flag's change answered the old value. */
  STALE_ON_EVENT,
  /** Scenario 10 (its own harness reports it by name): an answer from before a change survived its event. */
  STALE_LEFT_BEHIND,
  /** A listener list was iterated while it changed, or a registered listener missed an event. */
  LISTENER_RACE,
  /** An event was neither delivered nor counted as dropped. */
  UNCOUNTED_LOSS,
  /** An event was delivered twice. */
  DUPLICATE_EVENT,
  /** A call that had already timed out still wrote its answer into the cache. */
  LATE_CACHE_WRITE,
  /** One caller received the answer meant for another. */
  CROSS_TALK,
  /** A shared object has a field that a reader on another thread may see unset (not final). */
  UNSAFE_PUBLICATION,
  /** Provider code takes a monitor ({@code synchronized}): a lock no virtual thread can unmount from on JDK 21. */
  MONITOR_HELD,
  /** Provider code blocked a virtual thread while it was pinned to its carrier. */
  PINNED_CARRIER,
  /** One evaluation saw parts of two flag configurations (a flag of one, the enrichment of another). */
  MIXED_CONFIGURATION,
  /** An exception escaped where none may. */
  EXCEPTION_ESCAPED
}
