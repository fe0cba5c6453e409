// Boost.URL's compiled part. Debian's libboost1.81-dev ships Boost.URL as
// headers only (there is no libboost_url to link), and boost/url/src.hpp
// builds the library inside the one translation unit that includes it: this
// one. No other file may include src.hpp.
#include <boost/url/src.hpp>
