package dev.quire.server.collab;

import dev.quire.ot.Delta;
import dev.quire.ot.RichText;
import dev.quire.ot.json.DeltaJson;

/** ShareDB's snapshot object on the wire (sharedb-protocol.md §2.1). */
public final class Snapshots {
  private Snapshots() {}

  /**
   * {@code {"v":n,"data":{"ops":[...]},"type":URI}}, or {@code {"v":n,"type":null}} (explicit
   * null, no data) for a document that does not exist.
   */
  public static String json(long version, String type, Delta data) {
    StringBuilder sb = new StringBuilder(64);
    sb.append("{\"v\":").append(version);
    if (type == null || data == null) {
      return sb.append(",\"type\":null}").toString();
    }
    sb.append(",\"data\":{\"ops\":");
    DeltaJson.write(data, sb);
    return sb.append("},\"type\":\"").append(RichText.URI).append("\"}").toString();
  }
}
