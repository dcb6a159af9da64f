package dev.quire.server.auth;

import java.util.Locale;

/**
 * What a person may do in an organization, strongest first. An organization role is about the
 * organization itself (its name and its members), never about the contents of its documents:
 * an owner or admin reads a document only if it is shared with them or with everyone in it.
 */
public enum OrgRole {
  /** Manages members, admins and owners, renames the organization. An organization keeps at least one. */
  OWNER,
  /** Adds and removes members and admins, changes their roles, renames the organization. */
  ADMIN,
  /** Belongs: gets the general access of the organization's documents, may create documents in it. */
  MEMBER;

  /** Whether this role manages members (adds, removes, changes roles) and renames the organization. */
  public boolean canManage() {
    return this == OWNER || this == ADMIN;
  }

  /** The lower-case name used in the store, the API and the web app. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named {@code key}, or null. */
  public static OrgRole of(String key) {
    for (OrgRole r : values()) {
      if (r.key().equals(key)) {
        return r;
      }
    }
    return null;
  }
}
