//! Debug aid: which container the body scorer picks. `--example choice -- PAGE.html`
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let bytes = std::fs::read(&path).unwrap_or_default();
    let (text, _) = khronika_extract::charset::decode(&bytes, None);
    let dom = khronika_extract::dom::parse(&text);
    let st = khronika_extract::body::stats(&dom);
    let c = khronika_extract::body::choose(&dom, &st, &[]);
    println!("score {}", c.score);
    if let Some(needle) = std::env::args().nth(2) {
        for (i, n) in dom.nodes.iter().enumerate() {
            if n.tag == khronika_extract::dom::Tag::Text && n.text.contains(&needle) {
                let mut a = i as u32;
                while a != khronika_extract::dom::NONE {
                    let s = st[a as usize];
                    println!(
                        "   up {a} {:?} class={:?} id={:?} text={} skip={} hint={}",
                        dom.node(a).tag,
                        dom.attr(a, "class"),
                        dom.attr(a, "id"),
                        s.text,
                        s.skip,
                        s.hint
                    );
                    a = dom.node(a).parent;
                }
                break;
            }
        }
    }
    for r in c.roots {
        let n = dom.node(r);
        let s = st[r as usize];
        println!(
            "root {r} {:?} class={:?} id={:?} text={} link={} skip={} hint={}",
            n.tag,
            dom.attr(r, "class"),
            dom.attr(r, "id"),
            s.text,
            s.link,
            s.skip,
            s.hint
        );
        let mut a = n.parent;
        while a != khronika_extract::dom::NONE {
            let s = st[a as usize];
            println!(
                "   anc {a} {:?} class={:?} id={:?} text={} skip={} hint={}",
                dom.node(a).tag,
                dom.attr(a, "class"),
                dom.attr(a, "id"),
                s.text,
                s.skip,
                s.hint
            );
            a = dom.node(a).parent;
        }
    }
}
