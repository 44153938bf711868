package io.tocsin.store;

/**
 * The lengths of the columns that hold text sent from outside (migrations under db/migration), so a
 * value is refused with a 400 naming its field before it reaches the database instead of failing there
 * with a 500. Lengths count characters, which no database counts more of than Java does.
 */
public final class Columns {
    /** incident.dedup_key: PagerDuty's own limit on dedup keys. */
    public static final int DEDUP_KEY = 255;
    /** incident.summary and service_change.summary: PagerDuty's limit on a payload summary. */
    public static final int SUMMARY = 1024;
    /** incident.source and service_change.source. */
    public static final int SOURCE = 255;
    /** schedule_override.reason. */
    public static final int OVERRIDE_REASON = 1000;
    /** notification.provider_status: what a provider's status callback says. */
    public static final int PROVIDER_STATUS = 200;

    private Columns() {
    }
}
