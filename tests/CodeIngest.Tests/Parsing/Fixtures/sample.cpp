#include <vector>
#include "shape.hpp"

namespace geo {

// A square.
class Square : public Shape {
public:
    double area() const { return side * side; }
    double side;
};

}

void geo::draw(const Square& s) {
    std::vector<int> v;
    v.push_back(1);
    if (s.side > 0) {
        std::sort(v.begin(), v.end());
    }
}

class EXPORT Widget {
    int size_;
};
