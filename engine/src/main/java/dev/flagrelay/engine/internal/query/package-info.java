/**
 * The two rule query languages (nikunjy and JsonLogic). Not API: may change without notice.
 */
package dev.flagrelay.engine.internal.query;
