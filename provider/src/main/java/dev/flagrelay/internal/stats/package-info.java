/** Internal to flagrelay: not API, may change in any release. */
package dev.flagrelay.internal.stats;
