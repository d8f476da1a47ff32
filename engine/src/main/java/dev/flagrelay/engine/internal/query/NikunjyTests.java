package dev.flagrelay.engine.internal.query;

import dev.flagrelay.engine.internal.query.NikunjyNode.Test;
import java.util.Arrays;
import java.util.Set;

/** The comparisons of the nikunjy language; the literal on the right picks which one applies. */
final class NikunjyTests {

  private NikunjyTests() {}

  enum Op {
    EQ, NE, GT, LT, GE, LE, CO, SW, EW, IN, PR;

    boolean ordered(int c) {
      return switch (this) {
        case EQ -> c == 0;
        case NE -> c != 0;
        case GT -> c > 0;
        case LT -> c < 0;
        case GE -> c >= 0;
        case LE -> c <= 0;
        default -> false;
      };
    }

    boolean isOrdering() {
      return ordinal() <= LE.ordinal();
    }
  }

  static final Test PRESENT = (v, scan) -> v != null;
  static final Test NEVER = (v, scan) -> false;

  static Test string(Op op, String literal) {
    String lowered = GoStrings.lower(literal);
    return switch (op) {
      case CO -> (v, scan) -> v instanceof String s && GoStrings.lower(s).contains(lowered);
      case SW -> (v, scan) -> v instanceof String s && GoStrings.lower(s).startsWith(lowered);
      case EW -> (v, scan) -> v instanceof String s && GoStrings.lower(s).endsWith(lowered);
      case IN, PR -> NEVER;
      default -> (v, scan) -> v instanceof String s && op.ordered(GoStrings.compare(GoStrings.lower(s), lowered));
    };
  }

  /** An integer literal: an integer attribute, or a float attribute truncated toward zero. */
  static Test integer(Op op, long literal) {
    if (!op.isOrdering()) {
      return NEVER;
    }
    return (v, scan) -> {
      if (v instanceof Long l) {
        return op.ordered(Long.compare(l, literal));
      }
      return v instanceof Double d && op.ordered(Long.compare((long) d.doubleValue(), literal));
    };
  }

  /** A decimal literal: an integer or float attribute, compared as doubles. */
  static Test decimal(Op op, double literal) {
    if (!op.isOrdering()) {
      return NEVER;
    }
    return (v, scan) -> (v instanceof Long || v instanceof Double)
        && compareDoubles(op, ((Number) v).doubleValue(), literal);
  }

  private static boolean compareDoubles(Op op, double a, double b) {
    return switch (op) {
      case EQ -> a == b;
      case NE -> a != b;
      case GT -> a > b;
      case LT -> a < b;
      case GE -> a >= b;
      case LE -> a <= b;
      default -> false;
    };
  }

  /** {@code eq}/{@code ne} a boolean; an ordering operator with a boolean makes the query false (seen on the relay). */
  static Test bool(Op op, boolean literal) {
    return switch (op) {
      case EQ -> (v, scan) -> v instanceof Boolean b && b == literal;
      case NE -> (v, scan) -> v instanceof Boolean b && b != literal;
      case GT, LT, GE, LE -> FAIL;
      default -> NEVER;
    };
  }

  /** Makes the whole query false. */
  private static final Test FAIL = (v, scan) -> {
    scan.failed = true;
    return false;
  };

  /** {@code eq null} is missing-or-null, {@code ne null} present; any other makes the query false. */
  static Test nullLiteral(Op op) {
    return switch (op) {
      case EQ -> (v, scan) -> v == null;
      case NE -> (v, scan) -> v != null;
      default -> (v, scan) -> {
        scan.failed = true;
        return false;
      };
    };
  }

  /** An unquoted version: the attribute parsed as a strict semantic version. */
  static Test semver(Op op, String literal) {
    Semver version = Semver.parse(literal);
    if (version == null || !op.isOrdering()) {
      return NEVER;
    }
    return (v, scan) -> {
      Semver attribute = v instanceof String s ? Semver.parse(s) : null;
      return attribute != null && op.ordered(attribute.compareTo(version));
    };
  }

  /** {@code in} a list of strings: case-sensitive. */
  static Test inStrings(Set<String> values) {
    return (v, scan) -> v instanceof String s && values.contains(s);
  }

  /** {@code in} a list of integers: only an integer attribute (nested numbers are floats). */
  static Test inIntegers(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return (v, scan) -> v instanceof Long l && Arrays.binarySearch(sorted, l) >= 0;
  }

  /** {@code in} a list of decimals: an integer or float attribute. */
  static Test inDecimals(double[] values) {
    double[] copy = values.clone();
    return (v, scan) -> {
      if (!(v instanceof Long || v instanceof Double)) {
        return false;
      }
      double d = ((Number) v).doubleValue();
      for (double x : copy) {
        if (x == d) {
          return true;
        }
      }
      return false;
    };
  }
}
