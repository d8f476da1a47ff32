package dev.flagrelay.internal.relay;

import java.util.Map;

/**
 * An application tracking event ({@code track(name, context, details)}).
 *
 * @param evaluationContext the context snapshot's attributes
 * @param details the tracking details, the numeric value included under {@code value}
 */
public record TrackingEvent(
    String contextKind,
    String userKey,
    long creationDate,
    String key,
    Map<String, Object> evaluationContext,
    Map<String, Object> details)
    implements CollectorEvent {}
