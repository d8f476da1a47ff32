/**
 * What one side of the comparison plugs into the shared scenarios: here, the official provider
 * 0.4.3. Compiled only into the official benchmark jar. Not API.
 */
package dev.flagrelay.benchmarks.side;
