package io.tracestore.core.block;

import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;

/** Small building blocks for Parquet record converters. */
final class Converters {
  private Converters() {}

  static PrimitiveConverter binary(Consumer<Binary> sink) {
    return new PrimitiveConverter() {
      @Override
      public void addBinary(Binary value) {
        sink.accept(value);
      }
    };
  }

  static PrimitiveConverter string(Consumer<String> sink) {
    return binary(b -> sink.accept(b.toStringUsingUTF8()));
  }

  static PrimitiveConverter int32(IntConsumer sink) {
    return new PrimitiveConverter() {
      @Override
      public void addInt(int value) {
        sink.accept(value);
      }
    };
  }

  static PrimitiveConverter int64(LongConsumer sink) {
    return new PrimitiveConverter() {
      @Override
      public void addLong(long value) {
        sink.accept(value);
      }
    };
  }

  static PrimitiveConverter float64(DoubleConsumer sink) {
    return new PrimitiveConverter() {
      @Override
      public void addDouble(double value) {
        sink.accept(value);
      }
    };
  }

  static PrimitiveConverter bool(Consumer<Boolean> sink) {
    return new PrimitiveConverter() {
      @Override
      public void addBoolean(boolean value) {
        sink.accept(value);
      }
    };
  }

  /** Ignores a primitive column. */
  static final PrimitiveConverter IGNORE = new PrimitiveConverter() {
    @Override
    public void addBinary(Binary value) {}

    @Override
    public void addInt(int value) {}

    @Override
    public void addLong(long value) {}

    @Override
    public void addDouble(double value) {}

    @Override
    public void addBoolean(boolean value) {}
  };

  /** A group whose fields go to {@code fields}, calling hooks at its start and end. */
  static GroupConverter struct(Converter[] fields, Runnable onStart, Runnable onEnd) {
    return new GroupConverter() {
      @Override
      public Converter getConverter(int fieldIndex) {
        return fields[fieldIndex];
      }

      @Override
      public void start() {
        onStart.run();
      }

      @Override
      public void end() {
        onEnd.run();
      }
    };
  }

  /** A three-level LIST group whose elements go to {@code element}. */
  static GroupConverter list(GroupConverter element) {
    GroupConverter repeated = struct(new Converter[] {element}, () -> {}, () -> {});
    return struct(new Converter[] {repeated}, () -> {}, () -> {});
  }
}
