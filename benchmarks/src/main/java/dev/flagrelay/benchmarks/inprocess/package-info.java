/**
 * Benchmarks of the in-process mode (issue 13): evaluations through the SDK next to the SDK floor
 * and the remote mode's cached hit, and configuration swaps under load. flagrelay's side only (the
 * official build does not compile this package).
 */
package dev.flagrelay.benchmarks.inprocess;
