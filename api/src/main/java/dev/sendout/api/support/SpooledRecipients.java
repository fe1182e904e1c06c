package dev.sendout.api.support;

import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.support.RecipientAdditions.RecipientSource;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upload read to its end before any of it is stored: its chunks are checked as they come, as
 * {@link UploadedRecipients} reads them, and kept in a temporary file, from which the store reads
 * them back. So the sendout's row lock, and a database connection, are held while the upload is
 * stored, not while its client sends it: an upload sent at 13 KB/s for 30 s held the sendout's
 * other additions and its support actions (a cancel among them) for 27 s. Memory stays a chunk; the
 * file, up to twice the upload's size (its text kept as UTF-16 units), is deleted on {@link
 * #close}.
 */
final class SpooledRecipients implements RecipientSource, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SpooledRecipients.class);

  private final Path file;
  private final String requestHash;
  private final int size;
  private DataInputStream in;
  private int read;
  private int lastChunkStart;
  private List<Integer> lastChunkLines = List.of();

  private SpooledRecipients(Path file, String requestHash, int size) {
    this.file = file;
    this.requestHash = requestHash;
    this.size = size;
  }

  /** Reads and checks the whole upload; its problems are thrown as it throws them. */
  static SpooledRecipients spool(UploadedRecipients upload) {
    return spool(upload, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** As {@link #spool(UploadedRecipients)}, with its file in {@code directory}. */
  static SpooledRecipients spool(UploadedRecipients upload, Path directory) {
    Path file = null;
    try {
      file = Files.createTempFile(directory, "sendout-upload-", ".spool");
      int size = 0;
      try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
        for (var chunk = upload.next(); !chunk.isEmpty(); chunk = upload.next()) {
          List<Integer> lines = upload.lastChunkLines();
          for (int i = 0; i < chunk.size(); i++) {
            out.writeInt(lines.get(i));
            write(out, chunk.get(i));
          }
          size += chunk.size();
        }
      }
      return new SpooledRecipients(file, upload.requestHash(), size);
    } catch (IOException e) {
      delete(file);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      delete(file);
      throw e;
    }
  }

  @Override
  public List<NewSendout.Recipient> next() {
    List<NewSendout.Recipient> chunk = new ArrayList<>(UploadedRecipients.CHUNK);
    List<Integer> lines = new ArrayList<>(UploadedRecipients.CHUNK);
    try {
      if (in == null) {
        in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)));
      }
      while (chunk.size() < UploadedRecipients.CHUNK) {
        int line;
        try {
          line = in.readInt();
        } catch (EOFException end) {
          break;
        }
        lines.add(line);
        chunk.add(readRecipient(in));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!chunk.isEmpty()) {
      lastChunkStart = read;
      lastChunkLines = lines;
      read += chunk.size();
    }
    return chunk;
  }

  @Override
  public String requestHash() {
    return requestHash;
  }

  /** How many recipients the upload has. */
  int size() {
    return size;
  }

  /**
   * Where the upload's recipient number {@code index} (from 0) came from, as a problem names it:
   * its line when it is of the chunk the store read last, else its number in the upload.
   */
  String pointer(int index, String field) {
    int inChunk = index - lastChunkStart;
    return inChunk >= 0 && inChunk < lastChunkLines.size()
        ? "#line=" + lastChunkLines.get(inChunk) + field
        : "#recipient=" + (index + 1) + field;
  }

  @Override
  public void close() {
    try {
      if (in != null) {
        in.close();
      }
    } catch (IOException ignored) {
      // Only read from; the file goes either way.
    }
    delete(file);
  }

  /**
   * Deletes the file; a failure is logged, not thrown: thrown, it would turn the call's own answer
   * (a 202 stored, a 400 for a bad line) into a 500.
   */
  private static void delete(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Could not delete an upload's temporary file {}: {}", file, e.toString());
    }
  }

  private static void write(DataOutputStream out, NewSendout.Recipient r) throws IOException {
    write(out, r.address());
    write(out, r.displayName());
    write(out, r.externalId());
    write(out, r.timeZone());
    Map<String, String> variables = r.variables();
    out.writeInt(variables == null ? -1 : variables.size());
    if (variables != null) {
      for (var variable : variables.entrySet()) {
        write(out, variable.getKey());
        write(out, variable.getValue());
      }
    }
  }

  private static NewSendout.Recipient readRecipient(DataInputStream in) throws IOException {
    String address = readString(in);
    String displayName = readString(in);
    String externalId = readString(in);
    String timeZone = readString(in);
    int count = in.readInt();
    Map<String, String> variables = null;
    if (count >= 0) {
      variables = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        variables.put(readString(in), readString(in));
      }
    }
    return new NewSendout.Recipient(address, displayName, variables, externalId, timeZone);
  }

  /**
   * A string of any length (DataOutput's own UTF stops at 64 KB), as its UTF-16 units, so that
   * whatever the checks let through comes back as it was; null kept as null.
   */
  private static void write(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    ByteBuffer units = ByteBuffer.allocate(2 * value.length());
    units.asCharBuffer().put(value);
    out.writeInt(value.length());
    out.write(units.array());
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] units = new byte[2 * length];
    in.readFully(units);
    return ByteBuffer.wrap(units).asCharBuffer().toString();
  }
}
