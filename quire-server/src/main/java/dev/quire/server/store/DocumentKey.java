package dev.quire.server.store;

/** A document as the store keys it: its collection and id. */
public record DocumentKey(String collection, String docId) {
  public DocumentKey {
    StoreArguments.checkDoc(collection, docId);
  }
}
