package dev.quire.server.auth;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Password hashing with Argon2id (spring-security-crypto on Bouncy Castle): 16 MiB, 2 passes, a
 * random 16-byte salt per password, all stored in the hash string so the parameters can be raised
 * later without breaking old hashes.
 */
public final class Passwords {
  public static final int MIN_LENGTH = 10;
  /** Long enough for any passphrase; short enough that hashing it is cheap. */
  public static final int MAX_LENGTH = 256;
  private static final Argon2PasswordEncoder ENCODER = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
  /** Checked against when the name is unknown, so a wrong name costs as long as a wrong password. */
  private static final String DUMMY = ENCODER.encode("not a password of anyone");

  private Passwords() {}

  public static String hash(String password) {
    return ENCODER.encode(password);
  }

  /** Whether {@code password} matches {@code hash}; with a null hash, spends the same time and says no. */
  public static boolean matches(String password, String hash) {
    if (hash == null) {
      ENCODER.matches(password, DUMMY);
      return false;
    }
    return ENCODER.matches(password, hash);
  }

  /** Why {@code password} cannot be used, or null if it can. */
  public static String problem(String password) {
    if (password == null || password.length() < MIN_LENGTH) {
      return "a password has at least " + MIN_LENGTH + " characters";
    }
    if (password.length() > MAX_LENGTH) {
      return "a password has at most " + MAX_LENGTH + " characters";
    }
    return null;
  }
}
