/** The in-process flag configuration and its refresher. Internal: not API. */
package dev.flagrelay.internal.configuration;
