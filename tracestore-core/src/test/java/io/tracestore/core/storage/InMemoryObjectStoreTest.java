package io.tracestore.core.storage;

import io.tracestore.spi.ObjectStore;
import io.tracestore.spi.ObjectStoreContractTest;

class InMemoryObjectStoreTest extends ObjectStoreContractTest {
  @Override
  protected ObjectStore newStore() {
    return new InMemoryObjectStore();
  }
}
