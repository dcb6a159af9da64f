package dev.quire.server.bus;

/** The default bus passes the contract (it has no backend, so no peers and no reconnections). */
class InProcessBusTest extends BusContract {
  @Override
  protected Bus newBus() {
    return new InProcessBus();
  }
}
