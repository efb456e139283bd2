/**
 * The benchmark harness: how much the HTTP layer costs on top of the transaction it runs.
 *
 * <p>One run drives {@code POST /api/v1/tasks} with N keep-alive connections in closed loop, then runs the very same
 * transaction ({@code TaskRepository.create}: the task row, the user's next event sequence, the outbox row) directly
 * on a pool of N connections with N calls in flight, for the same warm-up and window, and prints throughput and
 * latency percentiles (HdrHistogram) of both and their ratio. It ends by checking the outbox contract under load: the
 * bench user's tasks, outbox rows, highest sequence and {@code users.event_seq} all grew by the number of creates that
 * were answered OK.
 *
 * <p>Decisions: the self-contained run uses the embedded PostgreSQL with fsync on (the laptop run's setting) and
 * synchronous commits (which zonky turns off by default), so the figures include real, flushed commits; one
 * {@link dev.taskflow.bench.LoadLoop} drives both phases so they differ only in the call; every loop is ended by
 * timers and every call by a timeout, so a run is bounded; only loopback targets are accepted, so a load generator is
 * never pointed at someone else's server by mistake. All creates are for one user, whose row lock serialises them:
 * the figures are the per-user ceiling, not the server's.
 */
package dev.taskflow.bench;
