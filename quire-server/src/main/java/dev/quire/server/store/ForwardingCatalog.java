package dev.quire.server.store;

import java.util.List;
import java.util.Optional;

/**
 * A catalog that passes every call to another, for catalogs that change one behaviour by
 * overriding one method (the read replicas' listings; tests that count or fail writes).
 */
public class ForwardingCatalog implements DocumentCatalog {
  protected final DocumentCatalog real;

  public ForwardingCatalog(DocumentCatalog real) {
    this.real = real;
  }

  @Override
  public boolean add(Entry entry) {
    return real.add(entry);
  }

  @Override
  public Optional<Entry> get(String id) {
    return real.get(id);
  }

  @Override
  public Optional<String> organizationOf(String docId) {
    return real.organizationOf(docId);
  }

  @Override
  public List<Entry> list(Query query) {
    return real.list(query);
  }

  @Override
  public boolean setTitle(String id, String title, long titleVersion) {
    return real.setTitle(id, title, titleVersion);
  }

  @Override
  public boolean recordEdit(String id, long at, String by) {
    return real.recordEdit(id, at, by);
  }

  @Override
  public boolean markDeleted(String id, long at) {
    return real.markDeleted(id, at);
  }

  @Override
  public boolean restore(String id) {
    return real.restore(id);
  }
}
