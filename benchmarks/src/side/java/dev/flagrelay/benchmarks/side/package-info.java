/**
 * What one side of the comparison plugs into the shared scenarios: here, flagrelay. Compiled only
 * into flagrelay's benchmark jar. Not API.
 */
package dev.flagrelay.benchmarks.side;
