package io.tracestore.storage.local;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.tracestore.spi.Keys;
import io.tracestore.spi.ObjectNotFoundException;
import io.tracestore.spi.ObjectStore;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link ObjectStore} on a local directory: every object is one regular file.
 *
 * <h2>On-disk layout</h2>
 *
 * <p>Key {@code a/b/c} is the file {@code <root>/a/b/c}: each {@code /}-separated segment is a
 * directory, the last one the file, so the tree can be read by any tool (for example DuckDB over
 * {@code <root>/<tenant>/blocks/<blockId>/data.parquet}). Names beginning with {@code .ts-} are
 * reserved for the store itself:
 *
 * <ul>
 *   <li>{@code <root>/.ts-tmp/} holds files being written; they are never visible as objects.
 *   <li>{@code <root>/.ts-lock} is a lock file, created only if hard links are unavailable (see
 *       {@link #putIfAbsent}).
 *   <li>A key segment that itself begins with {@code .ts-} is stored escaped as
 *       {@code .ts-esc-<segment>}, so no key can ever collide with the store's own files; every
 *       valid key is accepted.
 * </ul>
 *
 * <h2>Thread safety</h2>
 *
 * <p>Every method may be called from any number of threads, and any number of instances, in this
 * or other processes on the same host, may share one root. The store keeps no in-memory state
 * about objects; coordination happens entirely through atomic file-system operations.
 *
 * <h2>Atomicity</h2>
 *
 * <p>A put first writes the whole object to a new file under {@code .ts-tmp/}, then publishes it
 * with one atomic operation: {@code rename(2)} for {@link #put} (replacing any old object), and a
 * hard link for {@link #putIfAbsent} (which fails if the key exists, so exactly one of any number
 * of concurrent callers wins, across threads and processes). A reader therefore sees the old
 * object or the new one, never a part. A reader that has opened an object keeps reading the same
 * version even if it is replaced meanwhile (POSIX semantics).
 *
 * <h2>Durability</h2>
 *
 * <p>Before a put returns, the file's data and metadata are forced to disk ({@code fsync}), the
 * rename or link is made durable by forcing the containing directory, and every directory the put
 * created is made durable by forcing its parent. {@link #delete} forces the directory too. On
 * platforms where a directory cannot be opened for forcing (Windows) that step is skipped; a
 * failure to force an opened directory is reported as an {@link IOException}.
 *
 * <h2>Crash recovery</h2>
 *
 * <p>A crash during a put leaves at most a temporary file under {@code .ts-tmp/}; it is never
 * visible through {@link #get}, {@link #list} or any other method. Opening a store deletes
 * temporary files whose last modification is more than {@link #STALE_TEMP_AGE} old (younger ones
 * may belong to a put in progress in another process); {@link #deleteStaleTempFiles(Duration)}
 * does the same on demand.
 *
 * <h2>Deletion</h2>
 *
 * <p>{@link #delete} removes directories that become empty, up to (not including) the root, so
 * retention does not leave an ever-growing tree of empty directories behind. A concurrent put into
 * a directory being removed retries transparently.
 *
 * <h2>Limitations</h2>
 *
 * <ul>
 *   <li>A path cannot be both a file and a directory, so a key cannot be an object while other
 *       keys exist below it followed by {@code /} (for example {@code a} and {@code a/b}); the put
 *       that would create such a pair fails with an {@link IOException} naming both. Keys of the
 *       TraceStore block layout never do this.
 *   <li>Each segment must fit the file system's name limit (usually 255 bytes of UTF-8).
 *   <li>The root must be a single file system (no mount points below it).
 *   <li>The store never creates symbolic links and does not defend against ones placed under the
 *       root by others; {@link #list} ignores everything that is not a regular file.
 *   <li>Objects larger than about 2 GiB can only be read with {@link #getRange}.
 * </ul>
 *
 * <p>After {@link #close()}, every method other than {@code close} throws {@link
 * IllegalStateException}. Closing never removes stored objects.
 */
public final class LocalObjectStore implements ObjectStore {

  /** Temporary files older than this are removed when a store is opened. */
  public static final Duration STALE_TEMP_AGE = Duration.ofMinutes(1);

  static final String RESERVED_PREFIX = ".ts-";
  static final String ESCAPE_PREFIX = ".ts-esc-";
  static final String TEMP_DIR = ".ts-tmp";
  static final String LOCK_FILE = ".ts-lock";

  /** How often a put retries when a concurrent delete removes the directory it is writing into. */
  private static final int MAX_ATTEMPTS = 64;

  private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

  /** Guards the lock-file fallback of putIfAbsent: a FileLock is held per JVM, not per thread. */
  private static final Object FALLBACK_MUTEX = new Object();

  private final Path root;
  private final Path tempDir;
  private final String tempTag;
  private final AtomicLong tempCounter = new AtomicLong();
  private volatile boolean hardLinks;
  private volatile boolean directorySync = true;
  private volatile boolean closed;

  /**
   * Opens (creating it if missing) the store rooted at {@code root}, and deletes temporary files
   * left behind by crashes more than {@link #STALE_TEMP_AGE} ago.
   *
   * @throws IOException if the root cannot be created or is not a directory
   */
  public LocalObjectStore(Path root) throws IOException {
    this(root, true);
  }

  /** For tests: {@code hardLinks = false} forces the lock-file fallback of putIfAbsent. */
  LocalObjectStore(Path root, boolean hardLinks) throws IOException {
    Objects.requireNonNull(root, "root");
    Files.createDirectories(root);
    this.root = root.toRealPath();
    if (!Files.isDirectory(this.root)) {
      throw new IOException("not a directory: " + this.root);
    }
    this.tempDir = this.root.resolve(TEMP_DIR);
    Files.createDirectories(tempDir);
    this.hardLinks = hardLinks;
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    StringBuilder tag = new StringBuilder().append(ProcessHandle.current().pid()).append('-');
    for (byte b : random) {
      tag.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    this.tempTag = tag.toString();
    deleteStaleTempFiles(STALE_TEMP_AGE);
  }

  /**
   * Opens (creating it if missing) the store rooted at {@code root}; same as the constructor.
   *
   * @throws IOException if the root cannot be created or is not a directory
   */
  public static LocalObjectStore open(Path root) throws IOException {
    return new LocalObjectStore(root);
  }

  /** The store's root directory, as a real (absolute, symlink-free) path. */
  public Path root() {
    return root;
  }

  /**
   * Deletes temporary files (left by crashed puts) last modified more than {@code minAge} ago.
   * Only call this with a small {@code minAge} when no other process writes to the same root: a
   * put in progress would lose its temporary file and fail.
   *
   * @return how many files were deleted
   */
  public int deleteStaleTempFiles(Duration minAge) throws IOException {
    ensureOpen();
    FileTime cutoff = FileTime.from(Instant.now().minus(minAge));
    int deleted = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tempDir)) {
      for (Path entry : entries) {
        try {
          BasicFileAttributes attrs =
              Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (!attrs.isDirectory() && attrs.lastModifiedTime().compareTo(cutoff) < 0
              && Files.deleteIfExists(entry)) {
            deleted++;
          }
        } catch (NoSuchFileException e) {
          // deleted concurrently
        }
      }
    } catch (NoSuchFileException e) {
      Files.createDirectories(tempDir);
    }
    return deleted;
  }

  // ---------------------------------------------------------------------------------------- writes

  /**
   * {@inheritDoc}
   *
   * <p>Writes a temporary file, forces it, renames it over the key atomically and forces the
   * directory.
   */
  @Override
  public void put(String key, byte[] data) throws IOException {
    Path target = resolve(key);
    Objects.requireNonNull(data, "data");
    ensureOpen();
    Path temp = writeTemp(data);
    boolean published = false;
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          ensureParentDirectories(key, target);
          Files.move(temp, target, ATOMIC_MOVE, REPLACE_EXISTING);
          published = true;
          break;
        } catch (NoSuchFileException e) {
          // a concurrent delete pruned the directory between mkdir and rename: try again
          if (attempt >= MAX_ATTEMPTS || !Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) {
            throw e;
          }
        } catch (FileSystemException e) {
          if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw e;
          }
          if (attempt >= MAX_ATTEMPTS || !removeIfEmptyDirectory(target)) {
            throw keyIsADirectory(key, e);
          }
        }
      }
      syncDirectory(target.getParent());
    } finally {
      if (!published) {
        deleteQuietly(temp);
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Writes and forces a temporary file, then hard-links it to the key: {@code link(2)} fails if
   * the key exists, so exactly one concurrent caller wins, in this process or any other. If the
   * file system does not support hard links, the store falls back to checking and renaming while
   * holding an exclusive lock on {@code <root>/.ts-lock} (and a JVM-wide mutex); that fallback is
   * exact among users of this class on one host, but not on network file systems without working
   * locks. Returning false also forces the directory, so the object that exists is durable.
   */
  @Override
  public boolean putIfAbsent(String key, byte[] data) throws IOException {
    Path target = resolve(key);
    Objects.requireNonNull(data, "data");
    ensureOpen();
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      syncDirectory(target.getParent());
      return false;
    }
    Path temp = writeTemp(data);
    try {
      if (hardLinks) {
        try {
          return linkIfAbsent(key, target, temp);
        } catch (UnsupportedOperationException e) {
          hardLinks = false;
        } catch (FileSystemException e) {
          if (e.getClass() != FileSystemException.class
              || !Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) {
            throw e;
          }
          // a generic failure of link(2), e.g. EPERM on file systems without hard links
          hardLinks = false;
        }
      }
      return moveIfAbsentLocked(key, target, temp);
    } finally {
      deleteQuietly(temp);
    }
  }

  private boolean linkIfAbsent(String key, Path target, Path temp) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        ensureParentDirectories(key, target);
        Files.createLink(target, temp);
        syncDirectory(target.getParent());
        return true;
      } catch (FileAlreadyExistsException e) {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          if (attempt >= MAX_ATTEMPTS || !removeIfEmptyDirectory(target)) {
            throw keyIsADirectory(key, e);
          }
          continue;
        }
        syncDirectory(target.getParent());
        return false;
      } catch (NoSuchFileException e) {
        if (attempt >= MAX_ATTEMPTS || !Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) {
          throw e;
        }
      }
    }
  }

  private boolean moveIfAbsentLocked(String key, Path target, Path temp) throws IOException {
    synchronized (FALLBACK_MUTEX) {
      try (FileChannel lockChannel = FileChannel.open(root.resolve(LOCK_FILE), CREATE, WRITE)) {
        FileLock lock = lockChannel.lock();
        try {
          return moveIfAbsent(key, target, temp);
        } finally {
          lock.release();
        }
      }
    }
  }

  /** Check-then-rename; only correct while holding the fallback lock. */
  private boolean moveIfAbsent(String key, Path target, Path temp) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        ensureParentDirectories(key, target);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            if (attempt >= MAX_ATTEMPTS || !removeIfEmptyDirectory(target)) {
              throw keyIsADirectory(key, null);
            }
            continue;
          }
          syncDirectory(target.getParent());
          return false;
        }
        Files.move(temp, target, ATOMIC_MOVE);
        syncDirectory(target.getParent());
        return true;
      } catch (NoSuchFileException e) {
        if (attempt >= MAX_ATTEMPTS || !Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) {
          throw e;
        }
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Forces the directory after removing the file, then removes directories left empty, up to the
   * root.
   */
  @Override
  public boolean delete(String key) throws IOException {
    Path target = resolve(key);
    ensureOpen();
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    } catch (AccessDeniedException e) {
      throw e;
    } catch (FileSystemException e) {
      if (Files.isRegularFile(target)) {
        throw e;
      }
      return false; // e.g. ENOTDIR: a segment of the key is an object, so the key is not
    }
    if (attrs.isDirectory()) {
      return false;
    }
    if (!Files.deleteIfExists(target)) {
      return false;
    }
    Path dir = target.getParent();
    syncDirectory(dir);
    while (!dir.equals(root)) {
      try {
        Files.delete(dir);
      } catch (IOException e) {
        break; // not empty (usually), or gone already
      }
      dir = dir.getParent();
    }
    return true;
  }

  // ----------------------------------------------------------------------------------------- reads

  @Override
  public byte[] get(String key) throws IOException {
    Path path = resolve(key);
    ensureOpen();
    try (FileChannel channel = FileChannel.open(path, READ)) {
      long size = channel.size();
      if (size > MAX_ARRAY) {
        throw new IOException(
            "object \"" + key + "\" has " + size + " bytes, too many for one array; use getRange");
      }
      if (size == 0) {
        requireRegularFile(key, path);
        return new byte[0];
      }
      byte[] out = new byte[(int) size];
      readFully(key, channel, ByteBuffer.wrap(out), 0);
      return out;
    } catch (IOException e) {
      throw translate(e, key, path);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
   * @throws EOFException if the range reaches past the end of the object
   */
  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    Path path = resolve(key);
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "negative range: offset " + offset + ", length " + length + " for \"" + key + "\"");
    }
    ensureOpen();
    try (FileChannel channel = FileChannel.open(path, READ)) {
      long size = channel.size();
      if (offset > size || length > size - offset) {
        throw new EOFException("range [" + offset + ", " + (offset + length) + ") reaches past the end of \""
            + key + "\" (" + size + " bytes)");
      }
      if (length == 0) {
        requireRegularFile(key, path);
        return new byte[0];
      }
      byte[] out = new byte[length];
      readFully(key, channel, ByteBuffer.wrap(out), offset);
      return out;
    } catch (IOException e) {
      throw translate(e, key, path);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: the file is opened once and only the ranges are read (ranges less than {@link
   * #LOCAL_GAP} bytes apart with one read): on a local file a read call costs more than a few pages
   * of bytes, but copying the bytes between distant ranges costs more than a call.
   *
   * @throws EOFException if a range reaches past the end of the object
   */
  @Override
  public ByteBuffer[] getRanges(String key, long[] offsets, int[] lengths) throws IOException {
    Path path = resolve(key);
    ensureOpen();
    try (FileChannel channel = FileChannel.open(path, READ)) {
      long size = channel.size();
      long total = 0;
      for (int length : lengths) {
        total += length;
      }
      if (total == 0) {
        requireRegularFile(key, path); // nothing to read: a directory must still be "not found", as in getRange
      }
      return ObjectStore.readMerged(key, offsets, lengths, LOCAL_GAP, (start, length) -> {
        if (start > size || length > size - start) {
          throw new EOFException("range [" + start + ", " + (start + length) + ") reaches past the end of \""
              + key + "\" (" + size + " bytes)");
        }
        byte[] group = new byte[length];
        if (length > 0) {
          readFully(key, channel, ByteBuffer.wrap(group), start);
        }
        return group;
      });
    } catch (IOException e) {
      throw translate(e, key, path);
    }
  }

  /** Ranges of a file closer than this are read with one call by {@link #getRanges}. */
  static final int LOCAL_GAP = 8 * 1024;

  @Override
  public long size(String key) throws IOException {
    Path path = resolve(key);
    ensureOpen();
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException e) {
      throw translate(e, key, path);
    }
    if (!attrs.isRegularFile()) {
      throw new ObjectNotFoundException(key);
    }
    return attrs.size();
  }

  @Override
  public boolean exists(String key) throws IOException {
    Path path = resolve(key);
    ensureOpen();
    return Files.isRegularFile(path);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Walks only the deepest directory the prefix names completely (for {@code t1/blocks/b} that
   * is {@code <root>/t1/blocks}), never the whole tree. Keys are sorted by {@link
   * String#compareTo}. Objects put or deleted during the walk may or may not be listed.
   */
  @Override
  public List<String> list(String prefix) throws IOException {
    Objects.requireNonNull(prefix, "prefix");
    ensureOpen();
    if (prefix.length() > Keys.MAX_LENGTH || prefix.startsWith("/")
        || prefix.indexOf('\0') >= 0 || prefix.indexOf('\\') >= 0) {
      return List.of(); // no valid key starts like that
    }
    Path start = root;
    String startKey = "";
    int slash = prefix.lastIndexOf('/');
    if (slash > 0) {
      for (String segment : prefix.substring(0, slash).split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          return List.of();
        }
        start = start.resolve(encode(segment));
      }
      startKey = prefix.substring(0, slash + 1);
      if (!start.normalize().startsWith(root)) {
        return List.of();
      }
    }
    List<String> keys = new ArrayList<>();
    Files.walkFileTree(start, new Lister(start, startKey, prefix, keys));
    Collections.sort(keys);
    return Collections.unmodifiableList(keys);
  }

  /** Collects the keys below one directory; tolerant of files and directories vanishing. */
  private static final class Lister extends SimpleFileVisitor<Path> {
    private final Path start;
    private final String prefix;
    private final List<String> keys;
    private final Deque<String> dirKeys = new ArrayDeque<>();

    Lister(Path start, String startKey, String prefix, List<String> keys) {
      this.start = start;
      this.prefix = prefix;
      this.keys = keys;
      dirKeys.push(startKey);
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
      if (dir.equals(start)) {
        return FileVisitResult.CONTINUE;
      }
      String segment = decode(dir.getFileName().toString());
      if (segment == null) {
        return FileVisitResult.SKIP_SUBTREE;
      }
      String dirKey = dirKeys.peek() + segment + "/";
      if (!dirKey.startsWith(prefix) && !prefix.startsWith(dirKey)) {
        return FileVisitResult.SKIP_SUBTREE;
      }
      dirKeys.push(dirKey);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
      if (file.equals(start) || !attrs.isRegularFile()) {
        return FileVisitResult.CONTINUE;
      }
      String segment = decode(file.getFileName().toString());
      if (segment != null) {
        String key = dirKeys.peek() + segment;
        if (key.startsWith(prefix) && key.length() <= Keys.MAX_LENGTH) {
          keys.add(key);
        }
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
      if (e instanceof NoSuchFileException
          || (file.equals(start) && !(e instanceof AccessDeniedException))) {
        return FileVisitResult.CONTINUE; // vanished meanwhile, or the prefix runs through an object
      }
      throw e;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
      if (e != null && !(e instanceof NoSuchFileException)) {
        throw e;
      }
      if (!dir.equals(start)) {
        dirKeys.pop();
      }
      return FileVisitResult.CONTINUE;
    }
  }

  /** Idempotent; stored objects stay. Later calls of any other method throw IllegalStateException. */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "LocalObjectStore[" + root + "]";
  }

  // --------------------------------------------------------------------------------------- helpers

  /**
   * The file for {@code key}, which must be a valid key; never outside the root.
   *
   * @throws IllegalArgumentException if the key is invalid or would resolve outside the root
   */
  Path resolve(String key) {
    Keys.check(key);
    Path path = root;
    for (String segment : key.split("/", -1)) {
      String name = encode(segment);
      Path next = path.resolve(name);
      // guards against platform path syntax inside a segment (drive letters and the like)
      if (!path.equals(next.getParent()) || !name.equals(next.getFileName().toString())) {
        throw new IllegalArgumentException("object key does not map to a file below the root: \"" + key + "\"");
      }
      path = next;
    }
    Path normalized = path.normalize();
    if (!normalized.startsWith(root) || normalized.equals(root)) {
      throw new IllegalArgumentException("object key escapes the store root: \"" + key + "\"");
    }
    return path;
  }

  static String encode(String segment) {
    return segment.startsWith(RESERVED_PREFIX) ? ESCAPE_PREFIX + segment : segment;
  }

  /** The key segment a file name stores, or null for the store's own files. */
  static String decode(String name) {
    if (name.startsWith(ESCAPE_PREFIX)) {
      return name.substring(ESCAPE_PREFIX.length());
    }
    if (name.startsWith(RESERVED_PREFIX) || name.indexOf('\\') >= 0) {
      return null;
    }
    return name;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  private Path writeTemp(byte[] data) throws IOException {
    for (int attempt = 1; ; attempt++) {
      Path temp = tempDir.resolve("put-" + tempTag + "-" + tempCounter.incrementAndGet());
      FileChannel channel;
      try {
        channel = FileChannel.open(temp, CREATE_NEW, WRITE);
      } catch (FileAlreadyExistsException e) {
        continue;
      } catch (NoSuchFileException e) {
        if (attempt >= 3) {
          throw e;
        }
        Files.createDirectories(tempDir); // someone removed it
        continue;
      }
      try (channel) {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
        return temp;
      } catch (IOException | RuntimeException e) {
        deleteQuietly(temp);
        throw e;
      }
    }
  }

  /**
   * Creates the missing directories above {@code target}, forcing each new directory's parent.
   * Throws NoSuchFileException if a concurrent delete removes a directory meanwhile (callers
   * retry), and a plain IOException if a segment of the key is already an object.
   */
  private void ensureParentDirectories(String key, Path target) throws IOException {
    Path dir = target.getParent();
    if (dir.equals(root) || Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Deque<Path> missing = new ArrayDeque<>();
    for (Path d = dir; !d.equals(root); d = d.getParent()) {
      BasicFileAttributes attrs = null;
      try {
        attrs = Files.readAttributes(d, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        // missing: create it
      } catch (AccessDeniedException e) {
        throw e;
      } catch (FileSystemException e) {
        // ENOTDIR: an ancestor is a file; found (and reported) further up
      }
      if (attrs == null) {
        missing.push(d);
      } else if (attrs.isDirectory()) {
        break;
      } else {
        throw prefixIsAnObject(key, d);
      }
    }
    for (Path d : missing) {
      try {
        Files.createDirectory(d);
        syncDirectory(d.getParent());
      } catch (FileAlreadyExistsException e) {
        // created by a concurrent put; readAttributes throws NoSuchFileException (and the caller
        // retries) if a concurrent delete has pruned it again since
        if (!Files.readAttributes(d, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()) {
          throw prefixIsAnObject(key, d);
        }
      }
    }
  }

  private IOException prefixIsAnObject(String key, Path file) {
    String other = keyOf(file);
    return new IOException("cannot store \"" + key + "\": \"" + other + "\" is an object, and a local "
        + "directory cannot hold both an object and keys below it");
  }

  private IOException keyIsADirectory(String key, Exception cause) {
    IOException e = new IOException("cannot store \"" + key + "\": keys \"" + key + "/...\" exist, and "
        + "a local directory cannot hold both an object and keys below it");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private String keyOf(Path file) {
    StringBuilder key = new StringBuilder();
    for (Path name : root.relativize(file)) {
      if (key.length() > 0) {
        key.append('/');
      }
      String segment = decode(name.toString());
      key.append(segment == null ? name.toString() : segment);
    }
    return key.toString();
  }

  /** Removes {@code dir} if it is an empty directory; true if it is gone now. */
  private static boolean removeIfEmptyDirectory(Path dir) {
    try {
      Files.delete(dir);
      return true;
    } catch (NoSuchFileException e) {
      return true;
    } catch (DirectoryNotEmptyException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Forces a directory's entries to disk. Skipped where directories cannot be opened (Windows);
   * a directory removed meanwhile by a concurrent delete needs no forcing.
   */
  private void syncDirectory(Path dir) throws IOException {
    if (!directorySync) {
      return;
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(dir, READ);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException | UnsupportedOperationException e) {
      directorySync = false;
      return;
    }
    try (channel) {
      channel.force(true);
    }
  }

  private static void readFully(String key, FileChannel channel, ByteBuffer buffer, long offset)
      throws IOException {
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, offset + buffer.position());
      if (n < 0) {
        throw new EOFException("object \"" + key + "\" ended after " + (offset + buffer.position())
            + " bytes, before the " + (offset + buffer.limit()) + " expected");
      }
    }
  }

  private void requireRegularFile(String key, Path path) throws ObjectNotFoundException {
    if (!Files.isRegularFile(path)) {
      throw new ObjectNotFoundException(key);
    }
  }

  /** Maps a failure to ObjectNotFoundException when the key is not an object (missing, a directory). */
  private static IOException translate(IOException e, String key, Path path) {
    if (e instanceof ObjectNotFoundException || e instanceof AccessDeniedException) {
      return e;
    }
    if (e instanceof NoSuchFileException || !Files.isRegularFile(path)) {
      ObjectNotFoundException notFound = new ObjectNotFoundException(key);
      notFound.initCause(e);
      return notFound;
    }
    return e;
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // best effort: a leftover temporary file is invisible and removed on a later open
    }
  }
}
