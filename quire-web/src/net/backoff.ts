/**
 * Delay before reconnect attempt `attempt` (0 for the first): "full jitter" exponential backoff,
 * a random delay between 0 and min(cap, base * 2^attempt). The randomness spreads the clients of
 * a restarted server over the window instead of having them all knock at once.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = 500, capMs = 15000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  // Never 0: a server that closes at once must not be hammered in a loop.
  return Math.max(100, Math.floor(random() * ceiling));
}
