package io.tocsin.store;

import java.time.Instant;

/**
 * {@code requester} asks {@code counterpart} to cover [start, end) on a layer. When accepted it becomes
 * an override ({@code overrideId}); a declined request changes nothing.
 */
public record SwapRequest(long id, String scheduleId, String layerId, String requester, String counterpart,
                          Instant start, Instant end, Status status, Long overrideId, Instant createdAt,
                          Instant decidedAt, String decidedBy) {
    public enum Status { REQUESTED, ACCEPTED, DECLINED }
}
