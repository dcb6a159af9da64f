package dev.quire.server.bus.redis;

/**
 * The Redis bus with plain PUBLISH / SUBSCRIBE, what it falls back to on Redis before 7: the same
 * contract and Redis checks, forced on this machine's Redis.
 */
class ClassicRedisBusTest extends RedisBusTest {
  @Override
  protected RedisBus.Mode mode() {
    return RedisBus.Mode.CLASSIC;
  }
}
