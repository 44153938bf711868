package io.tocsin.notify;

import java.time.Duration;

/** One step of a person's notification rules resolved to a contact: "SMS to +40..., 2 minutes after the page". */
record PlannedDelivery(int step, String contactMethod, String channel, String address, Duration after) {
}
