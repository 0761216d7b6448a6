import SECORCore

/// The trailing year's headcount as an inline SVG bar chart: consecutive days with the
/// same count are one bar, so the page stays small.
struct HeadcountChart: Encodable {
    struct Bar: Encodable {
        var x: Int
        var y: Int
        var width: Int
        var height: Int
        var over: Bool
    }

    var width: Int
    var height: Int
    var limitY: Int
    var bars: [Bar]
    var from: String
    var through: String
    var peak: Int
    var limit: Int
    var today: Int

    init(_ report: HeadcountReport) {
        let top = max(report.peak, report.limit) + 2
        let scale = 10
        height = top * scale
        width = report.daily.count
        limitY = (top - report.limit) * scale
        var bars: [Bar] = []
        var start = 0
        for i in 1...report.daily.count where i == report.daily.count || report.daily[i] != report.daily[start] {
            let count = report.daily[start]
            if count > 0 {
                bars.append(Bar(x: start, y: (top - count) * scale, width: i - start, height: count * scale, over: count > report.limit))
            }
            start = i
        }
        self.bars = bars
        from = report.from.readable
        through = report.through.readable
        peak = report.peak
        limit = report.limit
        today = report.daily.last ?? 0
    }
}
