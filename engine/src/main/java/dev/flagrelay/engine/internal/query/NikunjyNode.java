package dev.flagrelay.engine.internal.query;

import java.util.Map;

/**
 * One node of a compiled nikunjy query. Nodes are immutable; the per-evaluation state (the stale
 * operand and the whole-query failure) lives in the {@link Scan} passed along.
 */
interface NikunjyNode {

  boolean eval(Map<String, Object> context, Scan scan);

  /** What one evaluation carries from comparison to comparison. */
  final class Scan {
    /** The attribute value the last evaluated comparison read (the engine reuses it, see Path). */
    Object operand;
    /** Set when the whole query is false: a null literal with an ordering operator, or a panic. */
    boolean failed;
  }

  /** {@code a and b or c ...}: equal precedence, left-associative, short-circuit, no recursion. */
  record Chain(NikunjyNode first, boolean[] isAnd, NikunjyNode[] rest) implements NikunjyNode {
    @Override
    public boolean eval(Map<String, Object> context, Scan scan) {
      boolean acc = first.eval(context, scan);
      for (int i = 0; i < rest.length && !scan.failed; i++) {
        if (isAnd[i] == acc) {
          acc = rest[i].eval(context, scan);
        }
      }
      return acc;
    }
  }

  /** {@code not ( q )}, or {@code not q} which negates everything after it. */
  record Not(NikunjyNode inner) implements NikunjyNode {
    @Override
    public boolean eval(Map<String, Object> context, Scan scan) {
      return !inner.eval(context, scan);
    }
  }

  /**
   * An attribute path compared with a literal. Reading the path records the operand; a path
   * whose parent is missing or null keeps the previous comparison's operand (an engine quirk).
   */
  record Comparison(Path path, Test test) implements NikunjyNode {
    @Override
    public boolean eval(Map<String, Object> context, Scan scan) {
      Object value = path.read(context, scan);
      if (scan.failed) {
        return false;
      }
      if (value == Path.STALE) {
        value = scan.operand;
      } else {
        scan.operand = value;
      }
      return test.test(value, scan);
    }
  }

  /** The comparison of an operand (null when missing) against a compiled literal. */
  @FunctionalInterface
  interface Test {
    boolean test(Object operand, Scan scan);
  }

  /** A dotted attribute path. */
  record Path(String[] segments) {
    /** Marks a path whose parent is missing: the comparison reuses the previous operand. */
    static final Object STALE = new Object();

    Object read(Map<String, Object> context, Scan scan) {
      Object current = context.get(segments[0]);
      if (segments.length == 1) {
        return QueryContext.topLevel(current);
      }
      for (int i = 1; i < segments.length; i++) {
        if (current == null) {
          return STALE;
        }
        if (!(current instanceof Map<?, ?> map)) {
          scan.failed = true; // the engine panics walking through a non-object: rule not applied
          return null;
        }
        current = map.get(segments[i]);
      }
      return QueryContext.nested(current);
    }

    @Override
    public String toString() {
      return String.join(".", segments);
    }
  }
}
