/**
 * Floors measured in the same run as the providers: what no provider can beat. Shared by
 * flagrelay's benchmarks and the official provider's. Not API.
 */
package dev.flagrelay.benchmarks.floor;
