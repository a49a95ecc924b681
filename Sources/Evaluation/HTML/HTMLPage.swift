/// The frame of a self-contained HTML report: inline CSS, no script, no external resource.
enum HTMLPage {
    static let style = """
    body { margin: 0; background: #f4f6f8; color: #1d2731; font: 14px/1.45 Helvetica, Arial, sans-serif; }
    main { max-width: 1000px; margin: 0 auto; padding: 22px 22px 40px; }
    h1 { font-size: 24px; margin: 0 0 4px; }
    h2 { font-size: 17px; margin: 28px 0 10px; }
    .sub { color: #5f6b73; margin: 0 0 16px; }
    .cards { display: flex; flex-wrap: wrap; gap: 12px; }
    .card { background: #fff; border: 1px solid #dde2e7; border-radius: 8px; padding: 10px 16px; min-width: 130px; }
    .card .name { color: #5f6b73; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
    .card .value { font-size: 24px; font-weight: 600; }
    .card .sd { color: #5f6b73; font-size: 12px; }
    .warn { background: #fff7e6; border: 1px solid #f0c36d; border-radius: 6px; padding: 8px 12px; margin: 14px 0 0; }
    .grid { display: flex; flex-wrap: wrap; gap: 14px; }
    figure { margin: 0; background: #fff; border: 1px solid #dde2e7; border-radius: 8px; padding: 8px; }
    table { border-collapse: collapse; background: #fff; border: 1px solid #dde2e7; }
    th, td { padding: 4px 12px; border-bottom: 1px solid #eef1f4; text-align: right; font-variant-numeric: tabular-nums; }
    th:first-child, td:first-child { text-align: left; }
    th { background: #eef2f6; font-weight: 600; }
    tr.chosen td { background: #e8f1fb; font-weight: 600; }
    .better { color: #1b7a3a; font-weight: 600; }
    .worse { color: #b3261e; font-weight: 600; }
    .columns { display: flex; gap: 18px; align-items: flex-start; }
    .columns > div { flex: 1; min-width: 0; }
    footer { color: #7b868f; font-size: 12px; margin-top: 30px; }
    """

    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
    }
}
