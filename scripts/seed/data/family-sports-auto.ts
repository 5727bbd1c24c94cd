import { COLORS, opts, packs, type RootCategory } from './types.ts';

export const babyKids: RootCategory = {
  slug: 'baby-kids',
  name: 'Baby & Kids',
  code: 'BABY',
  children: [
    {
      slug: 'diapers-wipes',
      name: 'Diapers & Wipes',
      code: 'DIA',
      count: 40,
      price: [290, 5990],
      lines: [
        { brands: ['MamyPoko', 'Merries', 'Drypers', 'Sweety', 'Huggies'], items: ['Pants Diapers', 'Tape Diapers', 'Night Pants'], price: [1490, 2990] },
        { brands: ['Pureen', 'Huggies'], items: ['Baby Wipes Unscented', 'Baby Wipes Aloe Vera'], price: [290, 490], variants: [packs(['80 Sheets', '3 x 80 Sheets'], [1, 2.6])] },
      ],
      variants: [opts('size', ['NB', 'S', 'M', 'L', 'XL', 'XXL']), packs(['Jumbo Pack', 'Mega Pack'], [1, 1.8])],
      descriptions: [
        '{name}, soft and breathable with up to 12 hours of leak protection.',
        'The {brand} {item}: gentle on delicate skin in hot and humid weather.',
        'Trusted by parents across Southeast Asia, {brand} keeps little ones dry and happy.',
      ],
      extras: ['Dermatologically tested.', 'Buy the mega pack and save more per piece.'],
    },
    {
      slug: 'toys',
      name: 'Toys',
      code: 'TOY',
      count: 40,
      price: [490, 19900],
      lines: [
        { brands: ['LEGO'], items: ['Classic Creative Box', 'City Police Station', 'Duplo Animal Train'], price: [2990, 19900], variants: [[{ label: '' }]] },
        { brands: ['Mainan Kayu'], items: ['Wooden Congkak Board', 'Batik Wooden Puzzle', 'Wooden Kitchen Set', 'Wooden Gasing Spinning Top'], price: [590, 7990] },
        { brands: ['Wayang Kids'], items: ['Shadow Puppet Craft Kit', 'Wayang Golek Puppet'], price: [990, 3990] },
        { brands: ['Tamiya'], items: ['Mini 4WD Starter Pack', 'Mini 4WD Racer Kit'], price: [1490, 4990] },
        { brands: ['Hot Wheels'], items: ['5-Car Gift Pack', 'Track Builder Set'], price: [990, 5990] },
        { brands: ['Kinderplay'], items: ['Plush Orangutan', 'Plush Merlion', 'Plush Sun Bear', 'Plush Pangolin'], price: [490, 2990] },
      ],
      variants: [opts('edition', ['Standard', 'Deluxe'], [1, 1.6]), opts('color', ['Red', 'Blue', 'Natural'])],
      attrs: { ageRange: '3+' },
      descriptions: [
        '{name}: hours of screen-free fun for curious kids.',
        'The {brand} {item} is safety-tested and built to survive enthusiastic play.',
        'A thoughtful gift from {brand} that keeps local games and stories alive.',
      ],
      extras: ['Small parts: not for children under 3.', 'Gift wrapping available at checkout.'],
    },
    {
      slug: 'baby-feeding',
      name: 'Baby Feeding',
      code: 'FED',
      count: 40,
      price: [390, 9990],
      lines: [
        { brands: ['Pigeon'], items: ['Wide-Neck Feeding Bottle 240ml', 'Silicone Teat', 'Bottle Brush', 'Baby Spoon Set', 'Training Cup'], price: [390, 2490] },
        { brands: ['Philips Avent'], items: ['Natural Bottle 260ml', 'Steam Sterilizer', 'Breast Pump Manual'], price: [1490, 9990] },
        { brands: ['Dugro', 'Enfagrow'], items: ['Growing Up Milk 1-3 Years', 'Growing Up Milk 3+ Years'], price: [3290, 6990], variants: [opts('weight', ['850g', '1.8kg'], [1, 1.9])] },
        { brands: ['Little Sprout'], items: ['Organic Rice Puffs', 'Banana Puree Pouch', 'Brown Rice Porridge', 'Teething Biscuits'], price: [390, 890] },
      ],
      variants: [packs(['Single', 'Twin Pack', 'Value Pack of 4'], [1, 1.9, 3.6])],
      descriptions: [
        '{name}, made for happy mealtimes from the very first feed.',
        'The {brand} {item}: BPA-free, easy to clean and loved by parents.',
        'Gentle, thoughtfully made {brand} {item} for growing little ones.',
      ],
      extras: ['Sterilise before first use.', 'Consult your paediatrician before switching formula.'],
    },
  ],
};

export const sports: RootCategory = {
  slug: 'sports-outdoors',
  name: 'Sports & Outdoors',
  code: 'SPRT',
  children: [
    {
      slug: 'fitness',
      name: 'Fitness',
      code: 'FIT',
      count: 40,
      price: [590, 39900],
      lines: [
        { brands: ['Kuat Fitness', 'Sihat Sport'], items: ['Yoga Mat 6mm', 'Resistance Band Set', 'Jump Rope', 'Foam Roller', 'Kettlebell 8kg'], price: [590, 4990] },
        { brands: ['Kuat Fitness'], items: ['Adjustable Dumbbell 10kg', 'Foldable Exercise Bike'], price: [8990, 39900] },
        { brands: ['Xiaomi'], items: ['Walking Pad C2'], price: [29900, 39900] },
      ],
      variants: [opts('color', ['Black', 'Teal', 'Purple', 'Grey'])],
      descriptions: [
        '{name} for home workouts when it is too hot to run outside.',
        'The {brand} {item}: sturdy, non-slip and compact enough for a small flat.',
        'Build strength and flexibility with the {brand} {item}.',
      ],
      extras: ['Free workout guide with every order.', 'Wipe clean after use.'],
    },
    {
      slug: 'cycling',
      name: 'Cycling',
      code: 'CYC',
      count: 40,
      price: [990, 129900],
      lines: [
        { brands: ['Polygon'], items: ['Strattos S3 Road Bike', 'Xtrada 5 Mountain Bike', 'Path 2 City Bike'], price: [49900, 129900], attrs: { origin: 'Indonesia' } },
        { brands: ['Element'], items: ['Police Folding Bike 20 inch', 'Ecosmo Folding Bike'], price: [29900, 59900], attrs: { origin: 'Indonesia' } },
        { brands: ['Giant'], items: ['Escape 3 Hybrid Bike'], price: [59900, 89900] },
        { brands: ['Kayuh Gear'], items: ['LED Bike Light Set', 'Cycling Helmet', 'Bottle Cage', 'Cycling Jersey', 'Padded Shorts'], price: [990, 8990] },
      ],
      variants: [opts('frameSize', ['S', 'M', 'L']), opts('color', ['Black', 'Red', 'Teal'])],
      descriptions: [
        '{name}, ready for park connectors and weekend rides.',
        'The {brand} {item}: light, reliable and easy to maintain in tropical weather.',
        'Ride further and safer with the {brand} {item}.',
      ],
      extras: ['Basic assembly required.', 'Check your size chart before ordering.'],
    },
    {
      slug: 'badminton',
      name: 'Badminton & Racket Sports',
      code: 'BAD',
      count: 40,
      price: [390, 29900],
      lines: [
        {
          brands: ['Yonex', 'Li-Ning', 'Victor', 'Felet'],
          items: ['Astrox Power Racket', 'Nanoflare Speed Racket', 'Axforce Control Racket'],
          price: [9900, 29900],
          variants: [opts('weight', ['3U', '4U', '5U']), [{ label: 'Unstrung', attrs: { strung: false } }, { label: 'Strung', attrs: { strung: true }, factor: 1.1 }]],
        },
        {
          brands: ['Yonex', 'RSL', 'Apacs'],
          items: ['Feather Shuttlecocks (12 pcs)', 'Towel Grip', 'Overgrip 3-Pack'],
          price: [390, 4990],
          variants: [opts('color', ['White', 'Yellow', 'Pink'])],
        },
      ],
      variants: [opts('color', COLORS)],
      descriptions: [
        '{name}, favoured by club players from Kuala Lumpur to Jakarta.',
        'The {brand} {item}: the gear behind some of the region\'s best smashes.',
        'Level up your doubles game with the {brand} {item}.',
      ],
      extras: ['Stringing service available in store.', 'Authentic product with hologram sticker.'],
    },
  ],
};

export const automotive: RootCategory = {
  slug: 'automotive',
  name: 'Automotive',
  code: 'AUTO',
  children: [
    {
      slug: 'car-care',
      name: 'Car Care',
      code: 'CAR',
      count: 40,
      price: [390, 19900],
      lines: [
        { brands: ['Turtle Wax'], items: ['Hybrid Ceramic Wax', 'Wash & Wax Shampoo', 'Clay Bar Kit'], price: [990, 3990] },
        { brands: ['Bersih Auto'], items: ['Microfibre Towel Set', 'Interior Cleaner', 'Tyre Shine Gel', 'Glass Cleaner', 'Dashboard Wipes', 'Pandan Air Freshener'], price: [390, 1990] },
        { brands: ['70mai'], items: ['Dash Cam A500S', 'Tyre Inflator'], price: [5990, 19900] },
        { brands: ['Shell Helix'], items: ['HX7 10W-40 Engine Oil 4L', 'Ultra 5W-40 Engine Oil 4L'], price: [4990, 9990] },
        { brands: ['Bosch'], items: ['Aerotwin Wiper Blade 24 inch', 'Clear Advantage Wiper 18 inch'], price: [1490, 3990] },
      ],
      variants: [packs(['Single', 'Twin Pack', 'Workshop Pack'], [1, 1.9, 3.4])],
      descriptions: [
        '{name} keeps your car clean and protected from tropical sun and rain.',
        'The {brand} {item}: workshop-grade results in your own driveway.',
        'Trusted by drivers across the region, {brand} makes car care simple.',
      ],
      extras: ['Keep out of reach of children.', 'Check compatibility with your car model.'],
    },
    {
      slug: 'motorcycle-accessories',
      name: 'Motorcycle Accessories',
      code: 'MTR',
      count: 40,
      price: [390, 29900],
      lines: [
        { brands: ['KYT', 'INK'], items: ['Full Face Helmet', 'Half Face Helmet', 'Modular Helmet'], price: [4990, 29900], attrs: { size: ['M', 'L', 'XL'], certified: 'SIRIM/SNI' } },
        { brands: ['Motul', 'Yamalube'], items: ['Scooter Engine Oil 0.8L', 'Semi-Synthetic 10W-40 1L'], price: [790, 2490], variants: [packs(['Single', 'Pack of 4'], [1, 3.6])] },
        { brands: ['Ojek Gear'], items: ['Rain Poncho', 'Handlebar Phone Holder', 'Motorcycle Cover', 'Riding Gloves', 'Seat Organiser'], price: [390, 3990] },
      ],
      variants: [opts('color', ['Black', 'Red', 'Matte Grey', 'White'])],
      descriptions: [
        '{name} for daily rides through city traffic and monsoon showers.',
        'The {brand} {item}: tough, weatherproof and made for scooter life.',
        'Ride safer and smarter with the {brand} {item}.',
      ],
      extras: ['Fits most scooters and underbones.', 'Exchange within 7 days if unused.'],
    },
  ],
};
