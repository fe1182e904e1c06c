package dev.sendout.core.tenant;

import static dev.sendout.core.store.jooq.Tables.API_KEY;

import dev.sendout.core.content.Sha256;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;

/**
 * The API keys of the tenants. A key is shown once, when it is issued; the store keeps only its
 * SHA-256, so a leaked database leaks no usable key.
 *
 * <p>A key found valid is remembered for {@link #REMEMBERED_FOR}, so that a caller's every request
 * does not cost a query. Revoking a key forgets every remembered one at once in this process; other
 * processes (api replicas) stop accepting it within {@link #REMEMBERED_FOR}. Unknown keys are not
 * remembered: each costs its query, as before.
 */
@Repository
public class ApiKeys {

  /** Marks a string as one of our keys, which secret scanners can then recognise. */
  static final String KEY_PREFIX = "sok_";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** How long a valid key is taken as valid without asking the store again. */
  public static final Duration REMEMBERED_FOR = Duration.ofSeconds(5);

  /** Beyond this many remembered keys, all are forgotten: a bound, never reached in practice. */
  private static final int MAX_REMEMBERED = 10_000;

  private final DSLContext db;
  private final Clock clock;

  /** Valid keys by their hash: who calls, and until when (System.nanoTime) that is trusted. */
  private final Map<String, Remembered> valid = new ConcurrentHashMap<>();

  private record Remembered(Caller caller, long untilNanos) {}

  /**
   * Counts this process's revocations, each once it has committed. A lookup that remembered a key
   * forgets it again if one came while it ran: its query may have read the key before that
   * revocation committed, and the revocation's own forgetting may have come before its remembering.
   */
  private final AtomicLong revocations = new AtomicLong();

  /**
   * The store lookups under way, by key hash. When a remembered key expires under load, every
   * request with it arrives at once: they wait for the one lookup instead of each taking a
   * connection for the same query (seen in a profile of an overload, 3.6 s of a 28 s recording in
   * queries of this key, every five seconds, while writes waited for connections).
   */
  private final Map<String, CompletableFuture<Optional<Caller>>> lookups =
      new ConcurrentHashMap<>();

  public ApiKeys(DSLContext db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** A key as listed: never the key itself. */
  public record KeyInfo(
      UUID id, String tenantId, String name, String prefix, Instant createdAt, Instant revokedAt) {}

  /** A key just issued: the only time {@code key} is known. */
  public record IssuedKey(KeyInfo info, String key) {}

  /** Issues a new random key for the tenant. */
  public IssuedKey issue(String tenantId, String name) {
    return register(tenantId, name, newKey());
  }

  /** A new random key, not registered. */
  public static String newKey() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /**
   * Registers a key chosen elsewhere (a development key given in the environment), or returns the
   * existing registration of the same key.
   */
  public IssuedKey register(String tenantId, String name, String key) {
    UUID id = UUID.randomUUID();
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    db.insertInto(API_KEY)
        .set(API_KEY.ID, id)
        .set(API_KEY.TENANT_ID, tenantId)
        .set(API_KEY.NAME, name)
        .set(API_KEY.PREFIX, key.substring(0, Math.min(12, key.length())))
        .set(API_KEY.KEY_HASH, hash(key))
        .set(API_KEY.CREATED_AT, now)
        .onConflict(API_KEY.KEY_HASH)
        .doNothing()
        .execute();
    KeyInfo info =
        db.selectFrom(API_KEY).where(API_KEY.KEY_HASH.eq(hash(key))).fetchSingle(ApiKeys::toInfo);
    return new IssuedKey(info, key);
  }

  /** The tenant whose unrevoked key this is, if any. */
  public Optional<String> tenantOf(String key) {
    return callerOf(key).map(Caller::tenantId);
  }

  /** Who calls with a key: its tenant, and the key's name. */
  public record Caller(String tenantId, String keyName) {}

  /** The tenant and name of this unrevoked key, if it is one. */
  public Optional<Caller> callerOf(String key) {
    String hash = hash(key);
    long now = System.nanoTime();
    Remembered remembered = valid.get(hash);
    if (remembered != null && now - remembered.untilNanos() < 0) {
      return Optional.of(remembered.caller());
    }
    var mine = new CompletableFuture<Optional<Caller>>();
    CompletableFuture<Optional<Caller>> running = lookups.putIfAbsent(hash, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException cause ? cause : e;
      }
    }
    try {
      Optional<Caller> caller = lookUp(hash, now);
      mine.complete(caller);
      return caller;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      lookups.remove(hash, mine);
    }
  }

  private Optional<Caller> lookUp(String hash, long now) {
    long revocationsBefore = revocations.get();
    Optional<Caller> caller =
        db.select(API_KEY.TENANT_ID, API_KEY.NAME)
            .from(API_KEY)
            .where(API_KEY.KEY_HASH.eq(hash))
            .and(API_KEY.REVOKED_AT.isNull())
            .fetchOptional(r -> new Caller(r.value1(), r.value2()));
    if (caller.isPresent()) {
      if (valid.size() >= MAX_REMEMBERED) {
        valid.clear();
      }
      valid.put(hash, new Remembered(caller.get(), now + REMEMBERED_FOR.toNanos()));
    }
    if (caller.isEmpty() || revocations.get() != revocationsBefore) {
      valid.remove(hash);
    }
    return caller;
  }

  /** Revokes the key; returns false when there is no such key. Revoking twice changes nothing. */
  public boolean revoke(UUID id) {
    db.update(API_KEY)
        .set(API_KEY.REVOKED_AT, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
        .where(API_KEY.ID.eq(id))
        .and(API_KEY.REVOKED_AT.isNull())
        .execute();
    revocations.incrementAndGet();
    valid.clear();
    return db.fetchExists(API_KEY, API_KEY.ID.eq(id));
  }

  /**
   * Revokes the tenant's unrevoked keys of this name but the one kept, as a development key
   * replaces the one an earlier start printed. Returns how many it revoked.
   */
  public int revokeOthers(String tenantId, String name, UUID kept) {
    int revoked =
        db.update(API_KEY)
            .set(
                API_KEY.REVOKED_AT, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
            .where(API_KEY.TENANT_ID.eq(tenantId))
            .and(API_KEY.NAME.eq(name))
            .and(API_KEY.ID.ne(kept))
            .and(API_KEY.REVOKED_AT.isNull())
            .execute();
    revocations.incrementAndGet();
    valid.clear();
    return revoked;
  }

  /** Every key of the tenant, newest first. */
  public List<KeyInfo> list(String tenantId) {
    return db.selectFrom(API_KEY)
        .where(API_KEY.TENANT_ID.eq(tenantId))
        .orderBy(API_KEY.CREATED_AT.desc())
        .fetch(ApiKeys::toInfo);
  }

  static String hash(String key) {
    return Sha256.hex(key);
  }

  private static KeyInfo toInfo(dev.sendout.core.store.jooq.tables.records.ApiKeyRecord r) {
    return new KeyInfo(
        r.getId(),
        r.getTenantId(),
        r.getName(),
        r.getPrefix(),
        r.getCreatedAt().toInstant(),
        r.getRevokedAt() == null ? null : r.getRevokedAt().toInstant());
  }
}
