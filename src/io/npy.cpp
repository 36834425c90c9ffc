#include "io/npy.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <optional>

#include <fmt/format.h>  // fmt::format

#include "io/errors.hpp"
#include "io/input_file.hpp"
#include "io/output_file.hpp"

namespace gelucheck {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
// numpy.lib.format.ARRAY_ALIGN: the data of a file numpy writes starts on a multiple of 64.
constexpr size_t kAlignment = 64;

std::string_view kind_word(char kind) {
  switch (kind) {
    case 'f':
      return "float";
    case 'u':
      return "uint";
    case 'i':
      return "int";
    case 'V':
      return "void";
  }
  return "?";
}

// The header's value types: the subset of Python literals numpy writes in a .npy header.
struct PyValue {
  enum class Type { string, boolean, tuple, list, dict, integer } type = Type::string;
  std::string text;             // string
  bool boolean = false;         // boolean
  uint64_t integer = 0;         // integer
  std::vector<uint64_t> tuple;  // tuple of integers (the shape)
};

// Parses the header dict. Grammar (what numpy.lib.format writes, with the leniency of its
// reader: either quote, optional trailing commas, Python 2 long suffixes such as 3L):
//   dict   = "{" [ string ":" value { "," string ":" value } [","] ] "}"
//   value  = string | "True" | "False" | integer | "(" [ integer { "," integer } [","] ] ")"
// Lists and nested dicts (structured dtypes) are recognised only to be refused.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, std::string_view what) : s_(text), what_(what) {}

  std::map<std::string, PyValue> dict() {
    std::map<std::string, PyValue> out;
    expect('{');
    skip_space();
    while (peek() != '}') {
      const std::string key = string_literal();
      expect(':');
      PyValue v = value();
      if (!out.emplace(key, std::move(v)).second)
        fail(fmt::format("key {} appears twice", in_quotes(key, 40)));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        skip_space();
      } else if (peek() != '}') {
        fail("expected ',' or '}' after a value");
      }
    }
    ++pos_;
    skip_space();
    if (pos_ != s_.size()) fail("text after the closing '}'");
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw UsageError(fmt::format("{}: malformed .npy header at character {} ({}): {}", what_, pos_,
                                 why, in_quotes(s_, 120)));
  }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(fmt::format("expected '{}'", c));
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string out(s_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return out;
  }
  uint64_t integer() {
    skip_space();
    const size_t start = pos_;
    uint64_t v = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      const uint64_t digit = uint64_t(peek() - '0');
      if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) fail("integer too large");
      v = v * 10 + digit;
      ++pos_;
    }
    if (pos_ == start) fail("expected a non-negative integer");
    if (peek() == 'L' || peek() == 'l') ++pos_;  // Python 2 long
    return v;
  }
  bool word(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  PyValue value() {
    skip_space();
    PyValue v;
    const char c = peek();
    if (c == '\'' || c == '"') {
      v.type = PyValue::Type::string;
      v.text = string_literal();
    } else if (word("True")) {
      v.type = PyValue::Type::boolean;
      v.boolean = true;
    } else if (word("False")) {
      v.type = PyValue::Type::boolean;
      v.boolean = false;
    } else if (c == '(') {
      v.type = PyValue::Type::tuple;
      ++pos_;
      skip_space();
      while (peek() != ')') {
        v.tuple.push_back(integer());
        skip_space();
        if (peek() == ',') {
          ++pos_;
          skip_space();
        } else if (peek() != ')') {
          fail("expected ',' or ')' in a tuple");
        }
      }
      ++pos_;
    } else if (c == '[' || c == '{') {
      // A structured dtype's descr is a list of fields; skip it whole so the refusal can name it.
      v.type = c == '[' ? PyValue::Type::list : PyValue::Type::dict;
      int depth = 0;
      do {
        if (peek() == '\0') fail("unterminated list");
        if (peek() == '[' || peek() == '{' || peek() == '(') ++depth;
        if (peek() == ']' || peek() == '}' || peek() == ')') --depth;
        ++pos_;
      } while (depth > 0);
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      v.type = PyValue::Type::integer;
      v.integer = integer();
    } else {
      fail("expected a string, True, False, an integer or a tuple");
    }
    return v;
  }

  std::string_view s_;
  std::string_view what_;
  size_t pos_ = 0;
};

uint32_t read_le(std::span<const uint8_t> b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[at + size_t(i)];
  return v;
}

NpyDtype parse_descr(const std::string& descr, std::string_view what) {
  const auto refuse = [&](std::string_view why) {
    return UsageError(fmt::format(
        "{}: unsupported dtype {} ({}); accepted: float16/32/64 ('<f2', '<f4', '<f8'), "
        "unsigned or signed integers ('<u2', '<i2', '<u4', ...), either byte order, and "
        "ml_dtypes' arrays ('<V1', '<V2', '<f1')",
        what, in_quotes(descr, 40), why));
  };
  if (descr.size() < 3) throw refuse("too short");
  NpyDtype d;
  switch (descr[0]) {
    case '<':
      d.big_endian = false;
      break;
    case '>':
      d.big_endian = true;
      break;
    case '|':
      d.big_endian = false;
      break;  // byte order not applicable (one-byte items)
    case '=':
      d.big_endian = false;
      break;  // native order of the writer; every platform
              // numpy supports today is little-endian
    default:
      throw refuse("no byte-order character <, >, | or =");
  }
  d.kind = descr[1];
  // 'V' (void, raw bytes of a fixed width) is what numpy.save writes for a dtype numpy does not
  // know, e.g. ml_dtypes' bfloat16 ('<V2') and float8 ('|V1'): read as bit patterns.
  if (d.kind != 'f' && d.kind != 'u' && d.kind != 'i' && d.kind != 'V') {
    throw refuse(d.kind == 'O'   ? "Python objects"
                 : d.kind == 'c' ? "complex"
                 : d.kind == 'b' ? "boolean"
                                 : "not a plain number type");
  }
  const std::string size_text = descr.substr(2);
  if (size_text != "1" && size_text != "2" && size_text != "4" && size_text != "8")
    throw refuse("item size must be 1, 2, 4 or 8 bytes");
  d.item_bytes = size_text[0] - '0';
  // A one-byte float is ml_dtypes' float8_e5m2 (registered with kind 'f': '<f1'). numpy writes
  // void items with '|' whatever their width; their bytes are in the writer's order,
  // little-endian on every platform numpy supports today.
  if (descr[0] == '|' && d.item_bytes != 1 && d.kind != 'V')
    throw refuse("'|' is only for one-byte items");
  return d;
}

}  // namespace

std::string NpyDtype::descr() const {
  const char order = item_bytes == 1 || kind == 'V' ? '|' : big_endian ? '>' : '<';
  return fmt::format("{}{}{}", order, kind, item_bytes);
}

std::string NpyDtype::name() const {
  std::string n = fmt::format("{}{}", kind_word(kind), 8 * item_bytes);
  if (big_endian && item_bytes > 1) n += " (big-endian)";
  return n;
}

uint64_t NpyArray::count() const {
  uint64_t n = 1;
  for (uint64_t s : shape) n *= s;
  return n;
}

uint64_t NpyArray::raw_element(uint64_t i) const {
  const size_t w = size_t(dtype.item_bytes);
  const uint8_t* p = data.data() + i * w;
  uint64_t v = 0;
  for (size_t k = 0; k < w; ++k) {
    const uint8_t byte = dtype.big_endian ? p[k] : p[w - 1 - k];
    v = (v << 8) | byte;
  }
  return v;
}

std::string NpyArray::shape_text() const {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

bool has_npy_magic(std::span<const uint8_t> bytes) {
  return bytes.size() >= kMagic.size() &&
         std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) == 0;
}

NpyArray parse_npy(std::span<const uint8_t> bytes, std::string_view what) {
  if (!has_npy_magic(bytes))
    throw UsageError(
        fmt::format("{}: not a .npy file (it does not start with \"\\x93NUMPY\"; "
                    "write it with numpy.save)",
                    what));
  if (bytes.size() < 10) throw UsageError(fmt::format("{}: truncated .npy preamble", what));
  const int major = bytes[6], minor = bytes[7];
  size_t header_len = 0, header_start = 0;
  if (major == 1 && minor == 0) {
    header_len = read_le(bytes, 8, 2);
    header_start = 10;
  } else if ((major == 2 || major == 3) && minor == 0) {
    if (bytes.size() < 12) throw UsageError(fmt::format("{}: truncated .npy preamble", what));
    header_len = read_le(bytes, 8, 4);
    header_start = 12;
  } else {
    throw UsageError(
        fmt::format("{}: .npy format version {}.{} is not supported (1.0, 2.0 and "
                    "3.0 are)",
                    what, major, minor));
  }
  if (bytes.size() < header_start + header_len)
    throw UsageError(fmt::format("{}: truncated .npy header ({} bytes announced, {} present)", what,
                                 header_len, bytes.size() - header_start));
  std::string_view header(reinterpret_cast<const char*>(bytes.data()) + header_start, header_len);
  // numpy ends the header with '\n' and pads with spaces before it; the reader strips both.
  while (!header.empty() && (header.back() == '\n' || header.back() == ' ' ||
                             header.back() == '\0' || header.back() == '\r'))
    header.remove_suffix(1);
  const auto dict = HeaderParser(header, what).dict();

  auto field = [&](const std::string& key, PyValue::Type type, std::string_view type_name) {
    const auto it = dict.find(key);
    if (it == dict.end())
      throw UsageError(
          fmt::format("{}: .npy header has no '{}' key: {}", what, key, in_quotes(header, 120)));
    if (it->second.type == PyValue::Type::list && key == "descr")
      throw UsageError(
          fmt::format("{}: structured dtype (a list of fields) is not supported; "
                      "save a plain array, e.g. numpy.save(path, y.astype('<f4'))",
                      what));
    if (it->second.type != type)
      throw UsageError(fmt::format("{}: .npy header key '{}' is not {}: {}", what, key, type_name,
                                   in_quotes(header, 120)));
    return it->second;
  };
  for (const auto& [key, value] : dict)
    if (key != "descr" && key != "fortran_order" && key != "shape")
      throw UsageError(
          fmt::format("{}: .npy header has an unexpected key {} (only descr, "
                      "fortran_order and shape are defined)",
                      what, in_quotes(key, 40)));
  NpyArray a;
  a.dtype = parse_descr(field("descr", PyValue::Type::string, "a string").text, what);
  a.fortran_order = field("fortran_order", PyValue::Type::boolean, "True or False").boolean;
  a.shape = field("shape", PyValue::Type::tuple, "a tuple of integers").tuple;

  const size_t data_start = header_start + header_len;
  const uint64_t available = bytes.size() - data_start;
  const auto item = uint64_t(a.dtype.item_bytes);
  // The product of a bad header's shape can exceed 2^64.
  uint64_t needed = item;
  bool too_large = false;
  for (uint64_t s : a.shape) too_large |= __builtin_mul_overflow(needed, s, &needed);
  for (uint64_t s : a.shape)
    if (s == 0) needed = 0, too_large = false;
  if (too_large || needed != available)
    throw UsageError(fmt::format(
        "{}: the header says shape {} of {}, which needs {} bytes of data, but the file holds {} "
        "bytes after the header",
        what, a.shape_text(), a.dtype.name(), too_large ? "more than 2^64" : std::to_string(needed),
        available));
  a.data.assign(bytes.begin() + std::ptrdiff_t(data_start), bytes.end());
  return a;
}

NpyArray read_npy(const std::string& path) {
  const std::string text = read_regular_file(path, ".npy file", (uint64_t{1} << 35) + (1 << 20));
  return parse_npy(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
                   escaped(path));
}

std::string npy_preamble(const NpyDtype& dtype, std::span<const uint64_t> shape) {
  std::string shape_text;
  if (shape.size() == 1) {
    shape_text = fmt::format("({},)", shape[0]);
  } else {
    shape_text = fmt::format("({})", fmt::join(shape, ", "));
  }
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
                                   dtype.descr(), shape_text);
  // Version 1.0 stores the header length in 2 bytes; numpy.save switches to 2.0 beyond that.
  const bool v1 = header.size() + 1 + 10 < 65536;
  const size_t fixed = v1 ? 10 : 12;
  const size_t padded = (fixed + header.size() + 1 + kAlignment - 1) / kAlignment * kAlignment;
  header.append(padded - fixed - header.size() - 1, ' ');
  header += '\n';
  std::string out(kMagic);
  out += char(v1 ? 1 : 2);
  out += char(0);
  const size_t len = header.size();
  for (size_t i = 0; i < (v1 ? 2u : 4u); ++i) out += char((len >> (8 * i)) & 0xff);
  return out + header;
}

void write_npy_1d(const std::string& path, const NpyDtype& dtype,
                  std::span<const uint64_t> elements) {
  if (dtype.big_endian) throw std::logic_error("write_npy_1d writes little-endian data only");
  OutputFile out(path);
  const uint64_t n = elements.size();
  out.write(npy_preamble(dtype, std::span<const uint64_t>(&n, 1)));
  std::string data;
  data.reserve(elements.size() * size_t(dtype.item_bytes));
  for (uint64_t v : elements)
    for (int k = 0; k < dtype.item_bytes; ++k) data += char((v >> (8 * k)) & 0xff);
  out.write(data);
  out.commit();
}

}  // namespace gelucheck
