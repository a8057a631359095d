#pragma once
// A thin RAII owner for HDF5 identifiers (hid_t), and checks that turn HDF5
// failures into exceptions. HDF5 hands out integer ids that must each be
// closed with the function matching their kind; forgetting one on an
// exception path keeps the file open (and on Linux the temporary file's
// space allocated), so every id the writer opens lives in a Handle.
#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace giotmau::results {

using CloseFunction = herr_t (*)(hid_t);

class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, CloseFunction close) noexcept : id_(id), close_(close) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)), close_(other.close_) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      close_ = other.close_;
    }
    return *this;
  }
  // Destructors must not throw: a failed close here is already on an error path.
  ~Handle() { reset(); }

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }

  // Closes now and reports failure: closing a file is when HDF5 writes its
  // last metadata, so the success path must see errors from it.
  void close(std::string_view what);

 private:
  void reset() noexcept {
    if (id_ >= 0 && close_ != nullptr) close_(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t id_ = H5I_INVALID_HID;
  CloseFunction close_ = nullptr;
};

// The outermost and innermost messages of HDF5's current error stack, e.g.
// "unable to create file; unable to open file: name = '...', errno = 2, error
// message = 'No such file or directory', ...": the first says what failed, the
// last why. Must be called before any other HDF5 call replaces the stack.
inline std::string hdf5_error_detail() {
  std::vector<std::string> messages;
  const H5E_walk2_t collect = [](unsigned, const H5E_error2_t* error, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(error->desc != nullptr ? error->desc : "");
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &messages);
  if (messages.empty()) return "no detail from the library";
  if (messages.size() == 1) return messages.front();
  return messages.front() + "; " + messages.back();
}

// Throws std::runtime_error("HDF5: <what>: <HDF5's own explanation>") when `status` < 0.
inline void check(herr_t status, std::string_view what) {
  if (status < 0) throw std::runtime_error("HDF5: " + std::string(what) + ": " + hdf5_error_detail());
}

// Wraps a freshly returned id, throwing (as check) when it is invalid.
inline Handle checked(hid_t id, CloseFunction close, std::string_view what) {
  if (id < 0) throw std::runtime_error("HDF5: " + std::string(what) + ": " + hdf5_error_detail());
  return Handle(id, close);
}

inline void Handle::close(std::string_view what) {
  if (id_ < 0) return;
  const herr_t status = close_(std::exchange(id_, H5I_INVALID_HID));
  check(status, what);
}

// While alive, HDF5 prints nothing to stderr (errors become exceptions with
// the detail above instead); the previous setting is restored afterwards so
// that other users of the library in this process are left as they were.
class QuietHdf5Errors {
 public:
  QuietHdf5Errors() noexcept {
    H5Eget_auto2(H5E_DEFAULT, &previous_, &previous_data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  QuietHdf5Errors(const QuietHdf5Errors&) = delete;
  QuietHdf5Errors& operator=(const QuietHdf5Errors&) = delete;
  ~QuietHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, previous_, previous_data_); }

 private:
  H5E_auto2_t previous_ = nullptr;
  void* previous_data_ = nullptr;
};

// Variable-length UTF-8 strings, as netCDF-4 readers expect them.
inline Handle make_vlen_utf8() {
  Handle type = checked(H5Tcopy(H5T_C_S1), H5Tclose, "copying the string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), "making a variable-length string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "marking strings as UTF-8");
  return type;
}

}  // namespace giotmau::results
