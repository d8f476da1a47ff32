/**
 * JMH benchmarks of flagrelay's provider against a loopback relay stub ({@code stub}), next to
 * floors ({@code floor}) measured in the same run. Not API; never run by {@code mvn verify}.
 */
package dev.flagrelay.benchmarks;
