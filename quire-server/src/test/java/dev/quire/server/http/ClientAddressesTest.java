package dev.quire.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** X-Forwarded-For is believed only from trusted proxies, and only past them. */
class ClientAddressesTest {
  private final ClientAddresses addresses = new ClientAddresses(Set.of("10.0.0.1", "10.0.0.2"));

  @Test
  void aClientThatIsNotATrustedProxyCannotChooseItsAddress() {
    assertEquals("203.0.113.9", addresses.of("203.0.113.9", "1.2.3.4"));
  }

  @Test
  void behindTrustedProxiesTheAddressIsTheRightmostUntrustedHop() {
    assertEquals("198.51.100.7", addresses.of("10.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.2"));
    assertEquals("10.0.0.1", addresses.of("10.0.0.1", "10.0.0.2"), "only proxies: the peer");
    assertEquals("10.0.0.1", addresses.of("10.0.0.1", null));
  }
}
