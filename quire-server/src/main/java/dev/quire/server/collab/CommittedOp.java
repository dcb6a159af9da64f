package dev.quire.server.collab;

import dev.quire.ot.Delta;
import dev.quire.ot.OtException;
import dev.quire.ot.OtLimits;
import dev.quire.ot.RichText;
import dev.quire.ot.json.DeltaJson;
import dev.quire.ot.json.JsonText;
import dev.quire.server.store.StoredOp;

/**
 * A committed op in memory: the parsed op for transforms, and its broadcast message, serialised
 * once, and encoded to UTF-8 once, for every recipient ({@code utf8} is shared: never written to).
 */
record CommittedOp(long version, String src, long seq, StoredOp.Kind kind, Delta op, long timestamp, String wire,
    byte[] utf8) {

  static CommittedOp of(String collection, String docId, long version, String src, long seq,
      StoredOp.Kind kind, Delta op, long timestamp) {
    // A delete has no op (null): sizing the buffer must not dereference it.
    StringBuilder sb = new StringBuilder(64 + (op == null ? 0 : op.size() * 24));
    sb.append("{\"a\":\"op\",\"c\":");
    JsonText.string(sb, collection);
    sb.append(",\"d\":");
    JsonText.string(sb, docId);
    sb.append(",\"v\":").append(version).append(",\"src\":");
    JsonText.string(sb, src);
    sb.append(",\"seq\":").append(seq);
    switch (kind) {
      case CREATE:
        sb.append(",\"create\":{\"type\":\"").append(RichText.URI).append("\",\"data\":");
        DeltaJson.write(op, sb);
        sb.append('}');
        break;
      case EDIT:
        sb.append(",\"op\":");
        DeltaJson.write(op, sb);
        break;
      default:
        sb.append(",\"del\":true");
    }
    String wire = sb.append('}').toString();
    // The wire text escapes lone surrogates (JsonText), so it encodes to UTF-8 exactly.
    return new CommittedOp(version, src, seq, kind, op, timestamp, wire,
        wire.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  StoredOp toStored(String collection, String docId) {
    return new StoredOp(collection, docId, version, src, seq, kind,
        kind == StoredOp.Kind.CREATE ? RichText.URI : null,
        kind == StoredOp.Kind.DELETE ? null : DeltaJson.write(op), timestamp);
  }

  static CommittedOp fromStored(StoredOp s) throws OtException {
    Delta op = s.body() == null ? null : DeltaJson.parse(s.body(), OtLimits.NONE);
    return of(s.collection(), s.docId(), s.version(), s.src(), s.seq(), s.kind(), op, s.timestamp());
  }
}
