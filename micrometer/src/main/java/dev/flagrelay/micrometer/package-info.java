/** Micrometer meters for the flagrelay provider: {@link dev.flagrelay.micrometer.FlagRelayMetrics}. */
package dev.flagrelay.micrometer;
