/**
 * Reading and compiling the relay's flag configuration (the only package that touches Jackson).
 * Not API: may change without notice.
 */
package dev.flagrelay.engine.internal.config;
