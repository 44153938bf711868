package io.tocsin.api;

import io.tocsin.store.DatabaseAvailability;
import io.tocsin.store.DatabaseFailures;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.dao.UncategorizedDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A controller that could not reach the database answers 503 with Retry-After, not 500: the client
 * should come back, and nothing was stored (the transaction never committed). Ahead of
 * {@link ApiProblems}, whose catch-all would call it a bug.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class DatabaseUnavailableAdvice {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseUnavailableAdvice.class);

    private final DatabaseAvailability availability;

    DatabaseUnavailableAdvice(DatabaseAvailability availability) {
        this.availability = availability;
    }

    @ExceptionHandler({CannotCreateTransactionException.class, DataAccessResourceFailureException.class,
            TransientDataAccessResourceException.class, RecoverableDataAccessException.class})
    ResponseEntity<ProblemDetail> unavailable(RuntimeException e) {
        return answer(e);
    }

    /** These mean an outage only when the database was what failed (a commit or rollback on a lost connection). */
    @ExceptionHandler({TransactionSystemException.class, UncategorizedDataAccessException.class})
    ResponseEntity<ProblemDetail> perhapsUnavailable(RuntimeException e) {
        if (DatabaseFailures.isUnavailable(e)) {
            return answer(e);
        }
        LOG.error("unexpected error", e);
        return ResponseEntity.internalServerError().body(ApiProblems.problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "unexpected error; see the server log"));
    }

    /**
     * The rows this request needed stayed locked by other transactions longer than the database waits
     * (H2 gives up after its lock timeout; a deadlock victim on either database): a moment of
     * contention, not a bug and not an outage. Nothing was stored; the client comes back in a second.
     */
    @ExceptionHandler({org.springframework.dao.PessimisticLockingFailureException.class, org.springframework.dao.QueryTimeoutException.class})
    ResponseEntity<ProblemDetail> busy(RuntimeException e) {
        LOG.warn("a request gave up waiting for a lock: {}", e.toString());
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "Tocsin's database is busy with the same rows; nothing was stored. Retry in 1 s.");
        p.setTitle("Database busy");
        p.setType(URI.create("https://tocsin.io/problems/database-busy"));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1").body(p);
    }

    private ResponseEntity<ProblemDetail> answer(RuntimeException e) {
        availability.unreachable(e);
        long retryAfter = availability.retryAfterSeconds();
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "Tocsin cannot reach its database; nothing was stored. Retry in " + retryAfter + " s.");
        p.setTitle("Database unavailable");
        p.setType(URI.create("https://tocsin.io/problems/database-unavailable"));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", String.valueOf(retryAfter)).body(p);
    }
}
