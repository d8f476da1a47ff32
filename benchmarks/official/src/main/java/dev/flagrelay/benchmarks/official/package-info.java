/**
 * The benchmarks of {@code dev.flagrelay.benchmarks}, same names and same workload, against the
 * official GO Feature Flag provider 0.4.3 on OpenFeature SDK 1.15.1. Not API.
 */
package dev.flagrelay.benchmarks.official;
