// index.html: the whole report in one self-contained page (inline CSS, a
// little inline JavaScript for the filters, inline SVG charts; nothing
// fetched), readable with JavaScript off.
#pragma once

#include <string>

#include "report/merged_results.hpp"

namespace mh::report {

std::string html_report(const MergedResults& merged);

}  // namespace mh::report
