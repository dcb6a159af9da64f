package dev.quire.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.server.auth.AccountStore;
import dev.quire.server.auth.AccountStore.Grant;
import dev.quire.server.auth.AccountStore.Member;
import dev.quire.server.auth.AccountStore.Organization;
import dev.quire.server.auth.AccountStore.Session;
import dev.quire.server.auth.AccountStore.Token;
import dev.quire.server.auth.AccountStore.User;
import dev.quire.server.auth.OrgRole;
import dev.quire.server.auth.Role;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AccountStore} must do; the SQLite and PostgreSQL tests extend this class and
 * say how to get an empty one (and the store that owns it, which the test closes).
 */
public abstract class AccountStoreContract {
  protected DocumentStore store;
  protected AccountStore accounts;

  protected abstract DocumentStore newStore() throws Exception;

  protected abstract AccountStore accountsOf(DocumentStore store);

  /** The catalog of the same store (general access is a document's). */
  protected abstract DocumentCatalog catalogOf(DocumentStore store);

  @BeforeEach
  void open() throws Exception {
    store = newStore();
    accounts = accountsOf(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static User user(String id, String name, String email) {
    return new User(id, name, email, "hash-of-" + id, false, 1000);
  }

  @Test
  void failedLoginsAreCountedPerKeyWithinTheWindowAndForgottenAfterIt() {
    accounts.addLoginFailure(List.of("n:ann", "a:10.0.0.1"), 1000, 0);
    accounts.addLoginFailure(List.of("n:ann", "a:10.0.0.2"), 2000, 0);
    accounts.addLoginFailure(List.of("n:bob", "a:10.0.0.1"), 3000, 0);
    assertEquals(2, accounts.loginFailures("n:ann", 0));
    assertEquals(1, accounts.loginFailures("n:ann", 1000), "only failures after the window's start count");
    assertEquals(2, accounts.loginFailures("a:10.0.0.1", 0));
    assertEquals(0, accounts.loginFailures("n:carol", 0));
    accounts.clearLoginFailures("n:ann");
    assertEquals(0, accounts.loginFailures("n:ann", 0));
    assertEquals(2, accounts.loginFailures("a:10.0.0.1", 0), "forgiving a name keeps the address's failures");
    accounts.addLoginFailure(List.of("n:dave"), 5000, 3000);
    assertEquals(0, accounts.loginFailures("a:10.0.0.1", 0), "failures that left the window are deleted");
    assertEquals(0, accounts.loginFailures("n:bob", 0));
    assertEquals(1, accounts.loginFailures("n:dave", 0));
  }

  @Test
  void aUserReadsBackByIdNameAndEmailWhateverTheirCase() {
    User ann = user("u1", "Ann", "Ann@Example.org");
    assertTrue(accounts.addUser(ann));
    assertEquals(ann, accounts.userById("u1").orElseThrow());
    assertEquals(ann, accounts.userByName("aNN").orElseThrow());
    assertEquals(ann, accounts.userByEmail("ann@example.ORG").orElseThrow());
    assertTrue(accounts.userByName("bob").isEmpty());
  }

  @Test
  void aTakenNameOrEmailIsRefusedAndNothingChanges() {
    assertTrue(accounts.addUser(user("u1", "ann", "ann@example.org")));
    assertFalse(accounts.addUser(user("u2", "ANN", null)));
    assertFalse(accounts.addUser(user("u3", "other", "ANN@example.org")));
    assertTrue(accounts.userById("u2").isEmpty());
    assertTrue(accounts.userById("u3").isEmpty());
    assertTrue(accounts.addUser(user("u4", "bob", null)));
    assertTrue(accounts.addUser(user("u5", "cid", null)), "several people without an email");
  }

  @Test
  void theFirstAdministratorCanBeMadeOnlyOnce() {
    assertFalse(accounts.setupDone());
    assertTrue(accounts.addFirstAdmin(new User("a1", "root", null, "h", true, 1)));
    assertTrue(accounts.setupDone());
    assertFalse(accounts.addFirstAdmin(new User("a2", "root2", null, "h", true, 1)));
    assertTrue(accounts.userById("a2").isEmpty(), "the refused administrator was not added");
  }

  @Test
  void sessionsAreFoundByHashTouchedAndRemovedOneOrAllAtOnce() {
    accounts.addUser(user("u1", "ann", null));
    accounts.addSession(new Session("h1", "u1", 10, 10));
    accounts.addSession(new Session("h2", "u1", 20, 20));
    assertEquals(new Session("h1", "u1", 10, 10), accounts.session("h1").orElseThrow());
    assertTrue(accounts.touchSession("h1", 50));
    assertFalse(accounts.touchSession("h1", 40), "last use never goes back");
    assertEquals(50, accounts.session("h1").orElseThrow().seenAt());
    assertTrue(accounts.removeSession("h1"));
    assertTrue(accounts.session("h1").isEmpty());
    assertFalse(accounts.removeSession("h1"));
    accounts.addSession(new Session("h3", "u1", 30, 30));
    assertEquals(List.of("h2", "h3"), accounts.removeSessionsOf("u1").stream().sorted().toList());
    assertTrue(accounts.session("h2").isEmpty());
  }

  @Test
  void aPasswordChangeIsStored() {
    accounts.addUser(user("u1", "ann", null));
    assertTrue(accounts.setPassword("u1", "new-hash"));
    assertEquals("new-hash", accounts.userById("u1").orElseThrow().passwordHash());
    assertFalse(accounts.setPassword("nobody", "x"));
  }

  @Test
  void tokensAreListedFoundByHashAndRevokedOnlyByTheirOwner() {
    accounts.addUser(user("u1", "ann", null));
    accounts.addUser(user("u2", "bob", null));
    Token t = new Token("t1", "u1", "ci", 100);
    accounts.addToken(t, "th1");
    accounts.addToken(new Token("t2", "u2", "bob's", 100), "th2");
    accounts.addToken(new Token("t3", "u2", "temporary", 101, 5000L), "th3");
    assertEquals(new Token("t3", "u2", "temporary", 101, 5000L), accounts.tokenByHash("th3").orElseThrow());
    assertEquals(null, accounts.tokenByHash("th2").orElseThrow().expiresAt());
    assertEquals(Optional.of(t), accounts.tokenByHash("th1"));
    assertEquals(List.of(t), accounts.tokensOf("u1"));
    assertTrue(accounts.removeToken("u2", "t1").isEmpty(), "bob cannot revoke ann's token");
    assertEquals(Optional.of("th1"), accounts.removeToken("u1", "t1"));
    assertTrue(accounts.tokenByHash("th1").isEmpty());
    assertTrue(accounts.tokensOf("u1").isEmpty());
  }

  @Test
  void aDocumentRoleIsSetReplacedListedAndRemoved() {
    accounts.addUser(user("u1", "ann", null));
    accounts.addUser(user("u2", "bob", null));
    accounts.setRole("d1", "u1", Role.OWNER);
    accounts.setRole("d1", "u2", Role.VIEWER);
    accounts.setRole("d2", "u2", Role.EDITOR);
    assertEquals(Optional.of(Role.VIEWER), accounts.role("d1", "u2"));
    accounts.setRole("d1", "u2", Role.EDITOR);
    assertEquals(Optional.of(Role.EDITOR), accounts.role("d1", "u2"));
    assertEquals(List.of(new Grant("d1", "u1", Role.OWNER), new Grant("d1", "u2", Role.EDITOR)), accounts.grantsOf("d1"));
    assertEquals(List.of(new Grant("d1", "u2", Role.EDITOR), new Grant("d2", "u2", Role.EDITOR)), accounts.grantsTo("u2"));
    assertTrue(accounts.removeRole("d1", "u2"));
    assertTrue(accounts.role("d1", "u2").isEmpty());
    assertTrue(accounts.role("D1", "u1").isEmpty(), "document ids are case-sensitive");
  }

  @Test
  void aLinksRoleCountsForItsMembersUntilTheLinkIsRemoved() {
    accounts.addUser(user("u1", "ann", null));
    accounts.addUser(user("u2", "bob", null));
    AccountStore.Link view = new AccountStore.Link("l1", "d1", Role.VIEWER, "u1", 5);
    AccountStore.Link edit = new AccountStore.Link("l2", "d1", Role.EDITOR, "u1", 6);
    accounts.addLink(view, "lh1");
    accounts.addLink(edit, "lh2");
    assertEquals(Optional.of(view), accounts.linkByHash("lh1"));
    assertEquals(List.of(view, edit), accounts.linksOf("d1"));
    assertTrue(accounts.role("d1", "u2").isEmpty(), "knowing of a link is not joining it");
    accounts.addLinkMember("l1", "u2");
    accounts.addLinkMember("l1", "u2");
    assertEquals(Optional.of(Role.VIEWER), accounts.role("d1", "u2"));
    accounts.addLinkMember("l2", "u2");
    assertEquals(Optional.of(Role.EDITOR), accounts.role("d1", "u2"), "the strongest way in counts");
    assertEquals(2, accounts.grantsTo("u2").size());
    assertTrue(accounts.removeLink("d1", "l2"));
    assertEquals(Optional.of(Role.VIEWER), accounts.role("d1", "u2"));
    assertFalse(accounts.removeLink("d2", "l1"), "a link is removed only from its own document");
    assertTrue(accounts.removeLink("d1", "l1"));
    assertTrue(accounts.role("d1", "u2").isEmpty());
    assertTrue(accounts.linkByHash("lh1").isEmpty());
  }

  @Test
  void everyoneJoinsTheDefaultOrganizationAndTheFirstAdministratorOwnsIt() {
    accounts.addUser(user("u1", "ann", null));
    assertTrue(accounts.addFirstAdmin(new User("a1", "root", null, "h", true, 1)));
    assertEquals(List.of(new Member("default", "u1", OrgRole.MEMBER)), accounts.membershipsOf("u1"));
    assertEquals(Optional.of(OrgRole.OWNER), accounts.orgRole("default", "a1"));
    assertEquals("Default", accounts.organization("default").orElseThrow().name());
    assertFalse(accounts.addUser(user("u2", "ANN", null)));
    assertTrue(accounts.membershipsOf("u2").isEmpty(), "a refused sign-up joins nothing");
  }

  @Test
  void anOrganizationKeepsItsMembersAndAtLeastOneOwner() {
    accounts.addUser(user("u1", "ann", null));
    accounts.addUser(user("u2", "bob", null));
    Organization acme = new Organization("o1", "Acme", 7);
    assertTrue(accounts.addOrganization(acme, "u1"));
    assertFalse(accounts.addOrganization(new Organization("o1", "Other", 8), "u2"));
    assertEquals(Optional.of(acme), accounts.organization("o1"));
    assertEquals(Optional.of(OrgRole.OWNER), accounts.orgRole("o1", "u1"));
    assertTrue(accounts.addMember("o1", "u2", OrgRole.MEMBER));
    assertFalse(accounts.addMember("o1", "u2", OrgRole.ADMIN), "a member already");
    assertEquals(Optional.of(OrgRole.MEMBER), accounts.orgRole("o1", "u2"));
    assertFalse(accounts.setMemberRole("o1", "u1", OrgRole.ADMIN), "the last owner stays one");
    assertFalse(accounts.removeMember("o1", "u1"), "the last owner stays");
    assertEquals(Optional.of(OrgRole.OWNER), accounts.orgRole("o1", "u1"));
    assertTrue(accounts.setMemberRole("o1", "u2", OrgRole.OWNER));
    assertTrue(accounts.setMemberRole("o1", "u1", OrgRole.ADMIN));
    assertFalse(accounts.removeMember("o1", "u2"), "now u2 is the last owner");
    assertTrue(accounts.removeMember("o1", "u1"));
    assertFalse(accounts.removeMember("o1", "u1"));
    assertFalse(accounts.setMemberRole("o1", "u1", OrgRole.MEMBER), "not a member");
    assertEquals(List.of(new Member("o1", "u2", OrgRole.OWNER)), accounts.membersOf("o1"));
    assertTrue(accounts.renameOrganization("o1", "Acme Inc"));
    assertEquals("Acme Inc", accounts.organization("o1").orElseThrow().name());
    assertTrue(accounts.organization("O1").isEmpty(), "organization ids are case-sensitive");
  }

  @Test
  void generalAccessGivesItsRoleToMembersOfTheDocumentsOrganizationOnly() {
    DocumentCatalog catalog = catalogOf(store);
    accounts.addUser(user("u1", "ann", null));
    accounts.addUser(user("u2", "bob", null));
    accounts.addUser(user("u3", "cy", null));
    accounts.addOrganization(new Organization("o1", "Acme", 7), "u1");
    accounts.addMember("o1", "u2", OrgRole.MEMBER);
    catalog.add(new DocumentCatalog.Entry("d1", "Plan", 1, 1, "ann", 1, "ann", null, "o1", null));
    accounts.setRole("d1", "u1", Role.OWNER);
    assertTrue(accounts.role("d1", "u2").isEmpty(), "no general access: members see nothing");
    assertTrue(accounts.setGeneralAccess("d1", Role.VIEWER));
    assertEquals(Role.VIEWER, catalog.get("d1").orElseThrow().generalAccess());
    assertEquals(Optional.of(Role.VIEWER), accounts.role("d1", "u2"));
    assertTrue(accounts.role("d1", "u3").isEmpty(), "not a member of the document's organization");
    DocumentCatalog.Query visible = new DocumentCatalog.Query(null, DocumentCatalog.Sort.NAME, false, 10, "u2");
    assertEquals(List.of("d1"), catalog.list(visible).stream().map(DocumentCatalog.Entry::id).toList());
    assertTrue(catalog.list(new DocumentCatalog.Query(null, DocumentCatalog.Sort.NAME, false, 10, "u3")).isEmpty());
    accounts.setRole("d1", "u2", Role.EDITOR);
    assertEquals(Optional.of(Role.EDITOR), accounts.role("d1", "u2"), "the strongest way in counts");
    accounts.removeRole("d1", "u2");
    accounts.removeMember("o1", "u2");
    assertTrue(accounts.role("d1", "u2").isEmpty(), "a member no more");
    assertTrue(catalog.list(visible).isEmpty());
    assertTrue(accounts.setGeneralAccess("d1", null));
    assertEquals(null, catalog.get("d1").orElseThrow().generalAccess());
    assertFalse(accounts.setGeneralAccess("unknown", Role.EDITOR));
  }
}
