// gelucheck._core: the library's sweeps, reference and statistics on numpy arrays of bit
// patterns. The Python package (python/gelucheck/__init__.py) turns arrays of any accepted dtype
// into bit patterns and adds the pytest helper; everything numeric happens here, in the same
// code the command line runs, so grade() gives the numbers `gelucheck table` gives.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "functions/function.hpp"
#include "implementations/implementations.hpp"
#include "io/errors.hpp"
#include "reference/reference.hpp"
#include "render/table_render.hpp"
#include "sweep/domain.hpp"
#include "sweep/engine.hpp"
#include "sweep/metrics.hpp"
#include "sweep/threads.hpp"

namespace py = pybind11;
using namespace gelucheck;

namespace {

using Bits = py::array_t<uint32_t, py::array::c_style | py::array::forcecast>;

const Format& format_named(const std::string& name) {
  const Format* f = find_format(name);
  if (!f) throw UsageError("unknown format '" + name + "'; valid: " + format_names());
  return *f;
}

// The domain `gelucheck inputs`/`table` sweep for these options (cli/common.cpp's defaults):
// every finite value in [lo, hi] for formats of up to 16 bits, for fp32 `points` (default 10^6)
// patterns uniform over the format's values, seed 1.
Domain default_domain(const Format& f, double lo, double hi, uint64_t points, uint64_t seed) {
  Domain d = f.total_bits() > 16
                 ? Domain::grid(f, GridKind::random_bits, lo, hi, points ? points : 1'000'000, seed)
                 : Domain::exhaustive(f, lo, hi);
  if (d.empty()) throw UsageError("the range holds no finite " + std::string(f.name) + " value");
  return d;
}

std::vector<uint32_t> to_vector(const Bits& a, const Format& f) {
  std::vector<uint32_t> v(a.data(), a.data() + a.size());
  for (uint32_t b : v)
    if (b & ~f.all_bits_mask())
      throw UsageError("bit pattern " + std::to_string(b) + " is wider than " +
                       std::string(f.name));
  return v;
}

Domain domain_for(const Format& f, const std::optional<Bits>& inputs, double lo, double hi,
                  uint64_t points, uint64_t seed) {
  if (inputs) return Domain::listed(f, to_vector(*inputs, f));
  return default_domain(f, lo, hi, points, seed);
}

py::array_t<uint32_t> as_array(std::vector<uint32_t> v) {
  auto* heap = new std::vector<uint32_t>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<uint32_t>*>(p); });
  return py::array_t<uint32_t>(py::ssize_t(heap->size()), heap->data(), owner);
}

// Outputs given per input of `domain`, as an implementation (what file:PATH does for a file).
Implementation outputs_as_implementation(std::string name, const Format& f, const Domain& domain,
                                         std::vector<uint32_t> outputs) {
  if (outputs.size() != domain.size())
    throw UsageError("expected " + std::to_string(domain.size()) + " outputs, one per input (" +
                     domain.describe() + "); got " + std::to_string(outputs.size()));
  std::vector<uint32_t> inputs(domain.size());
  domain.fill(0, inputs.size(), inputs.data());
  auto table = std::make_shared<std::vector<std::pair<uint32_t, uint32_t>>>();
  for (size_t i = 0; i < inputs.size(); ++i) table->emplace_back(inputs[i], outputs[i]);
  std::stable_sort(table->begin(), table->end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Implementation impl;
  impl.name = std::move(name);
  impl.summary = "outputs given from Python, paired with the inputs in order";
  impl.kernel_for = [table, &f](Function, const Format& g, const Domain*) -> BatchKernel {
    if (&g != &f) return {};
    return [table](std::span<const uint32_t> x, std::span<uint32_t> y) {
      for (size_t i = 0; i < x.size(); ++i) {
        const auto it = std::lower_bound(
            table->begin(), table->end(), x[i],
            [](const std::pair<uint32_t, uint32_t>& e, uint32_t v) { return e.first < v; });
        if (it == table->end() || it->first != x[i]) throw UsageError("no output for an input");
        y[i] = it->second;
      }
    };
  };
  return impl;
}

SweepOptions options_for(unsigned threads, const std::string& reference) {
  SweepOptions o;
  o.threads = threads;
  if (reference == "mpfr")
    o.reference_mode = ReferenceMode::mpfr;
  else if (reference != "tiered")
    throw UsageError("unknown reference mode '" + reference + "'; valid: tiered, mpfr");
  return o;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "gelucheck's library on numpy arrays of bit patterns (see the gelucheck package)";
  py::register_exception<UsageError>(m, "UsageError", PyExc_ValueError);

  m.def("functions", [] {
    std::vector<std::string> v;
    for (Function fn : all_functions()) v.emplace_back(name_of(fn));
    return v;
  });
  m.def("formats", [] {
    std::vector<std::string> v;
    for (const Format* f : all_formats) v.emplace_back(f->name);
    return v;
  });
  m.def("format_bits", [](const std::string& format) { return format_named(format).total_bits(); });
  m.def("default_threads", [] { return default_thread_count(); });

  m.def(
      "inputs",
      [](const std::string& format, double lo, double hi, uint64_t points, uint64_t seed,
         uint64_t shard_k, uint64_t shard_n) {
        const Format& f = format_named(format);
        const Domain d = default_domain(f, lo, hi, points, seed);
        uint64_t first = 0, end = d.size();
        if (shard_n) {
          if (shard_k >= shard_n) throw UsageError("shard K/N needs 0 <= K < N");
          std::tie(first, end) = shard_positions(d, shard_k, shard_n);
        }
        std::vector<uint32_t> bits(end - first);
        d.fill(first, bits.size(), bits.data());
        return py::make_tuple(as_array(std::move(bits)), d.describe());
      },
      py::arg("format"), py::arg("lo"), py::arg("hi"), py::arg("points"), py::arg("seed"),
      py::arg("shard_k"), py::arg("shard_n"));

  m.def("to_float64", [](const std::string& format, const Bits& bits) {
    const Format& f = format_named(format);
    py::array_t<double> out(bits.size());
    auto* o = out.mutable_data();
    for (py::ssize_t i = 0; i < bits.size(); ++i) o[i] = to_double(f, bits.data()[i]);
    return out;
  });

  m.def("exact_bits", [](const std::string& format, py::array_t<double, py::array::forcecast> v) {
    const Format& f = format_named(format);
    std::vector<uint32_t> out(size_t(v.size()));
    for (py::ssize_t i = 0; i < v.size(); ++i) {
      const double x = v.data()[i];
      if (std::isnan(x)) {
        out[size_t(i)] = f.nan_bits();
        continue;
      }
      const auto b = exact_bits(f, x);
      if (!b)
        throw UsageError("element " + std::to_string(i) + " is " + std::to_string(x) +
                         ", which is not a " + std::string(f.name) +
                         " value: give outputs rounded to the format, or their bit patterns");
      out[size_t(i)] = *b;
    }
    return as_array(std::move(out));
  });

  m.def(
      "reference",
      [](const std::string& function, const std::string& format, const Bits& x,
         const std::string& reference) {
        const Function fn = function_named(function);
        const Format& f = format_named(format);
        const std::vector<uint32_t> in = to_vector(x, f);
        std::vector<RefValue> refs(in.size());
        {
          py::gil_scoped_release release;
          reference_batch(fn, f, in, refs, options_for(1, reference).reference_mode);
        }
        std::vector<uint32_t> bits(in.size());
        py::array_t<double> exact(py::ssize_t(in.size()));
        for (size_t i = 0; i < in.size(); ++i) {
          bits[i] = refs[i].correctly_rounded;
          exact.mutable_data()[i] = refs[i].exact;
        }
        return py::make_tuple(as_array(std::move(bits)), exact);
      },
      py::arg("function"), py::arg("format"), py::arg("x"), py::arg("reference") = "tiered");

  // The table row (JSON text, as `gelucheck table --output json` writes it) and, when asked, the
  // per-input records in input order.
  m.def(
      "grade",
      [](const std::string& function, const std::string& format, const Bits& outputs,
         const std::optional<Bits>& inputs, double lo, double hi, uint64_t points, uint64_t seed,
         const std::string& name, unsigned threads, const std::string& reference, bool records) {
        const Function fn = function_named(function);
        const Format& f = format_named(format);
        const Domain d = domain_for(f, inputs, lo, hi, points, seed);
        const Implementation impl = outputs_as_implementation(name, f, d, to_vector(outputs, f));
        const Implementation* impls[] = {&impl};
        const size_t n = size_t(d.size());
        std::vector<uint32_t> x, ref, y;
        std::vector<double> exact, ulp, abs_error, rel_error;
        std::vector<uint8_t> outcome;
        if (records) {
          for (auto* v : {&x, &ref, &y}) v->reserve(n);
          for (auto* v : {&exact, &ulp, &abs_error, &rel_error}) v->reserve(n);
          outcome.reserve(n);
        }
        std::vector<ErrorStats> stats;
        {
          py::gil_scoped_release release;
          const RecordSink sink = [&](size_t, std::span<const PointRecord> rs) {
            for (const PointRecord& p : rs) {
              x.push_back(p.x);
              ref.push_back(p.ref.correctly_rounded);
              y.push_back(p.y);
              exact.push_back(p.ref.exact);
              ulp.push_back(p.ulp_error);
              abs_error.push_back(p.abs_error);
              rel_error.push_back(p.rel_error);
              outcome.push_back(uint8_t(p.outcome));
            }
          };
          stats = run_sweep(fn, d, impls, options_for(threads, reference),
                            records ? sink : RecordSink{});
        }
        std::vector<TableRow> rows = {{fn, &f, &impl, d.describe(), std::move(stats[0])}};
        py::dict out;
        out["table_json"] = render_table(rows, OutputKind::json);
        if (records) {
          out["x"] = as_array(std::move(x));
          out["reference"] = as_array(std::move(ref));
          out["value"] = as_array(std::move(y));
          out["exact"] = py::array_t<double>(py::ssize_t(n), exact.data());
          out["ulp_error"] = py::array_t<double>(py::ssize_t(n), ulp.data());
          out["abs_error"] = py::array_t<double>(py::ssize_t(n), abs_error.data());
          out["rel_error"] = py::array_t<double>(py::ssize_t(n), rel_error.data());
          out["outcome"] = py::array_t<uint8_t>(py::ssize_t(n), outcome.data());
        }
        return out;
      },
      py::arg("function"), py::arg("format"), py::arg("outputs"), py::arg("inputs"), py::arg("lo"),
      py::arg("hi"), py::arg("points"), py::arg("seed"), py::arg("name"), py::arg("threads"),
      py::arg("reference"), py::arg("records"));
}
